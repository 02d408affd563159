"""Pure rules of the SSH server: logins, session commands, accepted variables, signal names."""

from __future__ import annotations

import signal
import subprocess

from runloop_local.ssh.rules import accepted_env, login_allowed, session_command, sftp_command, signal_number


def test_the_key_chooses_the_devbox_and_the_user_name_must_match_it() -> None:
    assert login_allowed("user", devbox_id="dbx_a", devbox_user="user")
    assert login_allowed("dbx_a", devbox_id="dbx_a", devbox_user="user")
    assert not login_allowed("dbx_b", devbox_id="dbx_a", devbox_user="user")
    assert not login_allowed("root", devbox_id="dbx_a", devbox_user="user")


def test_a_session_runs_the_command_or_a_shell_reading_stdin() -> None:
    assert session_command("echo hi") == "echo hi"
    assert session_command(None) == "exec bash"
    assert session_command("") == "exec bash"


def test_only_the_locale_comes_from_the_client() -> None:
    sent = {"LANG": "C.UTF-8", "LC_ALL": "C", "PATH": "/evil", "LD_PRELOAD": "x.so", "COLORTERM": "truecolor"}
    assert accepted_env(sent) == {"LANG": "C.UTF-8", "LC_ALL": "C", "COLORTERM": "truecolor"}


def test_signal_names_of_rfc_4254() -> None:
    assert signal_number("INT") == signal.SIGINT
    assert signal_number("TERM") == signal.SIGTERM
    assert signal_number("SIGHUP") == signal.SIGHUP
    assert signal_number("NOPE") is None


def test_without_an_sftp_server_the_subsystem_says_what_to_install() -> None:
    script = sftp_command().replace("/usr/", "/nonexistent/")  # no candidate exists
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, check=False)
    assert done.returncode == 127
    assert "openssh-sftp-server" in done.stderr
