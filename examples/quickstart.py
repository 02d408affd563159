"""Quickstart: create a devbox, run commands, read and write files, shut it down.

Runs on the embedded local engine with no account; set ``RUNLOOP_API_KEY`` to run the same
script against the Runloop cloud.

    python examples/quickstart.py
"""

from __future__ import annotations

import os

from runloop_sdk import RunloopSDK


def connect() -> RunloopSDK:
    """The cloud when ``RUNLOOP_API_KEY`` is set, else the embedded local engine."""
    return RunloopSDK() if os.environ.get("RUNLOOP_API_KEY") else RunloopSDK.local()


def main() -> None:
    with connect() as sdk, sdk.devbox.create(name="quickstart") as devbox:
        print(f"devbox {devbox.id} is running")

        result = devbox.cmd.exec("echo 'Hello, World!' && uname -s")
        print(f"exit code {result.exit_code}:\n{result.stdout()}", end="")

        devbox.file.write("hello.py", "print(sum(range(10)))\n")
        print("hello.py says", devbox.cmd.exec("python3 hello.py").stdout().strip())

        server = devbox.cmd.exec_async("sleep 600")  # a long-running process
        print("background execution", server.execution_id, server.get_state().status)
        server.kill()

        failed = devbox.cmd.exec("ls /does-not-exist")
        print(f"a failing command: exit {failed.exit_code}, stderr: {failed.stderr().strip()}")
    print("devbox shut down")


if __name__ == "__main__":
    main()
