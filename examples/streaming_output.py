"""Streaming output: lines reach your callbacks as the command prints them; none is lost.

python examples/streaming_output.py
"""

from __future__ import annotations

import os

from runloop_sdk import RunloopSDK


def connect() -> RunloopSDK:
    """The cloud when ``RUNLOOP_API_KEY`` is set, else the embedded local engine."""
    return RunloopSDK() if os.environ.get("RUNLOOP_API_KEY") else RunloopSDK.local()


def main() -> None:
    with connect() as sdk, sdk.devbox.create(name="streaming") as devbox:
        script = "for i in 1 2 3 4 5; do echo step $i; sleep 0.2; done; echo warning >&2"
        result = devbox.cmd.exec(
            script, stdout=lambda line: print("out |", line), stderr=lambda line: print("err |", line)
        )
        print("exit code", result.exit_code)

        # Iterate lines yourself, and resume from a saved offset (e.g. after a restart).
        execution = devbox.cmd.exec_async("seq 1 6")
        saved = 0
        for line in execution.stdout_lines():
            print("read", line.text)
            saved = line.offset
            if line.text == "3":
                break
        print("resuming after offset", saved)
        for line in execution.stdout_lines(offset=saved):
            print("read", line.text)


if __name__ == "__main__":
    main()
