"""The sandbox agent runs from bytecode its interpreter made once, not from sources compiled per start."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

from runloop_api import RunloopAPI
from runloop_api.types import DevboxView
from runloop_local.sandbox._agent_code import AGENT_DIR, agent_code
from runloop_local.sandbox._start import find_python


def test_the_agent_is_compiled_once_by_the_sandbox_s_interpreter(tmp_path: Path) -> None:
    python, _ = find_python(isolated=True)
    code = agent_code(python)
    assert agent_code(python) is code  # made once
    assert code.script == f"{AGENT_DIR}/agent.pyc"
    assert sorted(code.files) == [
        f"{AGENT_DIR}/{name}.pyc" for name in ("_agent_pty", "_agent_sudo", "_wire", "agent")
    ]
    magic = subprocess.run(
        [python, "-c", "import importlib.util, sys; sys.stdout.buffer.write(importlib.util.MAGIC_NUMBER)"],
        capture_output=True,
        check=True,
    ).stdout
    assert all(content.startswith(magic) for content in code.files.values())
    if python == sys.executable or magic == importlib.util.MAGIC_NUMBER:
        for path, content in code.files.items():  # the files run here: they are whole
            (tmp_path / Path(path).name).write_bytes(content)
        probe = "import sys; sys.path.insert(0, sys.argv[1]); import _wire; print(_wire.__file__)"
        out = subprocess.run(
            [python, "-I", "-S", "-c", probe, str(tmp_path)], capture_output=True, check=True
        )
        assert out.stdout.decode().strip().endswith("_wire.pyc")


def test_an_interpreter_that_cannot_compile_gets_the_sources(tmp_path: Path) -> None:
    broken = tmp_path / "python3"
    broken.write_text("#!/bin/sh\nexit 3\n")
    broken.chmod(0o755)
    code = agent_code(str(broken))
    assert code.script == f"{AGENT_DIR}/agent.py"
    assert code.files[f"{AGENT_DIR}/_wire.py"].startswith(b'"""')


def test_a_devbox_s_agent_runs_from_its_bytecode(api: RunloopAPI, devbox: DevboxView) -> None:
    box_id = devbox.id
    listed = api.devboxes.execute(box_id, command=f"ls {AGENT_DIR}", command_id="agent-files")
    assert listed.exit_status == 0
    names = set((listed.stdout or "").split())
    assert {"agent.pyc", "_wire.pyc"} <= names and "agent.py" not in names
    # Bubblewrap is process 1 of the sandbox, the agent process 2.
    agent = api.devboxes.execute(box_id, command="tr '\\0' ' ' < /proc/2/cmdline", command_id="agent-cmd")
    assert f"-I -S -B {AGENT_DIR}/agent.pyc" in (agent.stdout or "")
