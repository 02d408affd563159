"""Named shells end to end: executions with one ``shell_name`` share a folder and exported
variables and run one at a time, in order; different names are independent."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Callable

import pytest
from runloop_api_client import Runloop

from runloop_api import BadRequestError, RunloopAPI
from runloop_api.types import DevboxAsyncExecutionDetailView, DevboxView
from runloop_local import LocalEngine
from runloop_local.executions.rules import SHELL_COMMAND_VAR, check_shell_name, in_shell
from runloop_local.http.errors import ApiError


def _exec(
    api: RunloopAPI, devbox_id: str, command: str, shell: str | None = "main"
) -> DevboxAsyncExecutionDetailView:
    return api.devboxes.execute(devbox_id, command=command, command_id=str(uuid.uuid4()), shell_name=shell)


def test_the_shell_script_keeps_folder_and_exports_across_runs() -> None:
    def run(command: str) -> subprocess.CompletedProcess[str]:
        env = {"PATH": "/usr/bin:/bin", SHELL_COMMAND_VAR: command}
        return subprocess.run(
            ["bash", "-c", in_shell("unit")], env=env, capture_output=True, text=True, cwd="/"
        )

    subprocess.run(["rm", "-rf", "/tmp/.runloop-shells/unit"], check=True)
    try:
        assert run("cd /usr && export FOO=bar && LOCAL=1; exit 3").returncode == 3
        done = run(f"pwd; echo $FOO [$LOCAL] [${SHELL_COMMAND_VAR}]")
        assert (done.returncode, done.stdout) == (0, "/usr\nbar [] []\n")
        broken = run("echo (")
        assert broken.stderr.startswith("bash: eval: line 1: syntax error")
    finally:
        subprocess.run(["rm", "-rf", "/tmp/.runloop-shells/unit"], check=True)


@pytest.mark.parametrize("name", ["", "-x", "a b", "x" * 129, "a/b", "../up"])
def test_bad_shell_names_are_refused(name: str) -> None:
    with pytest.raises(ApiError, match="shell_name"):
        check_shell_name(name)
    assert check_shell_name("main-1.x_y") == "main-1.x_y"


def test_a_shell_keeps_its_folder_and_exported_variables(api: RunloopAPI, devbox: DevboxView) -> None:
    assert (
        _exec(
            api, devbox.id, "mkdir -p /tmp/work && cd /tmp/work && export GREETING=hi && LOCAL=x"
        ).exit_status
        == 0
    )
    again = _exec(api, devbox.id, "pwd; echo $GREETING [$LOCAL]")
    assert (again.stdout, again.shell_name) == ("/tmp/work\nhi []\n", "main")
    other = _exec(api, devbox.id, "pwd; echo [$GREETING]", shell="other")
    assert other.stdout == "/home/user\n[]\n"
    plain = _exec(api, devbox.id, "pwd; echo [$GREETING]", shell=None)
    assert (plain.stdout, plain.shell_name) == ("/home/user\n[]\n", None)
    # exit N still leaves the shell where the command took it.
    assert _exec(api, devbox.id, "cd /; exit 4").exit_status == 4
    assert _exec(api, devbox.id, "pwd").stdout == "/\n"
    assert "bash: eval: line 1: syntax error" in (_exec(api, devbox.id, "echo (").stderr or "")


def test_a_shell_runs_its_commands_one_at_a_time_in_order(api: RunloopAPI, devbox: DevboxView) -> None:
    executions = api.devboxes.executions
    first = executions.execute_async(devbox.id, command="sleep 0.5; echo 1 >> order", shell_name="ordered")
    second = executions.execute_async(devbox.id, command="echo 2 >> order", shell_name="ordered")
    third = executions.execute_async(devbox.id, command="echo 3 >> order; cat order", shell_name="ordered")
    assert (first.status, second.status, third.status) == ("running", "queued", "queued")
    elsewhere = _exec(api, devbox.id, "echo free", shell="elsewhere")  # another shell is not held up
    assert elsewhere.stdout == "free\n"
    assert executions.retrieve(second.execution_id, devbox_id=devbox.id).status == "queued"
    running = executions.wait_for_status(
        second.execution_id, devbox_id=devbox.id, statuses=["running", "completed"]
    )
    assert running.status in ("running", "completed")
    done = executions.wait_for_status(third.execution_id, devbox_id=devbox.id, statuses=["completed"])
    assert done.stdout == "1\n2\n3\n"
    # A queued command that is killed never runs; the shell goes on with the next one.
    blocker = executions.execute_async(devbox.id, command="sleep 1", shell_name="ordered")
    doomed = executions.execute_async(devbox.id, command="echo ran > doomed", shell_name="ordered")
    after = executions.execute_async(
        devbox.id, command="test ! -e doomed && echo skipped", shell_name="ordered"
    )
    killed = executions.kill(doomed.execution_id, devbox_id=devbox.id)
    assert (killed.status, killed.exit_status) == ("completed", 137)
    with pytest.raises(BadRequestError, match="queued"):
        executions.send_std_in(after.execution_id, devbox_id=devbox.id, text="x")
    assert (
        executions.wait_for_status(after.execution_id, devbox_id=devbox.id, statuses=["completed"]).stdout
        == "skipped\n"
    )
    assert executions.retrieve(blocker.execution_id, devbox_id=devbox.id).status == "completed"
    logs = api.devboxes.logs.list(devbox.id, shell_name="elsewhere").logs
    assert [entry.message for entry in logs] == ["started: echo free", "exited with status 0"]


def test_bad_shell_names_answer_400(api: RunloopAPI, devbox: DevboxView) -> None:
    with pytest.raises(BadRequestError, match="shell_name"):
        _exec(api, devbox.id, "true", shell="no spaces")


def test_the_official_client_uses_named_shells(
    engine: LocalEngine, new_devbox: Callable[..., DevboxView]
) -> None:
    box = new_devbox()
    with Runloop(bearer_token=engine.token, base_url=engine.base_url, max_retries=0) as client:
        # Its 3.0 methods have no shell_name yet: its users send it as an extra body field.
        client.devboxes.execute_and_await_completion(
            box.id, command="cd /tmp && export X=1", extra_body={"shell_name": "s"}
        )
        done = client.devboxes.execute_and_await_completion(
            box.id, command="pwd; echo $X", extra_body={"shell_name": "s"}
        )
        assert done.stdout == "/tmp\n1\n"
