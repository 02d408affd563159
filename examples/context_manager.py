"""Context managers: the devbox is shut down when the block ends, also when it raised.

python examples/context_manager.py
"""

from __future__ import annotations

import os

from runloop_sdk import RunloopSDK


def connect() -> RunloopSDK:
    """The cloud when ``RUNLOOP_API_KEY`` is set, else the embedded local engine."""
    return RunloopSDK() if os.environ.get("RUNLOOP_API_KEY") else RunloopSDK.local()


def main() -> None:
    with connect() as sdk:
        try:
            with sdk.devbox.create(name="short-lived") as devbox:
                devbox.cmd.exec("echo working")
                raise RuntimeError("something went wrong in my code")
        except RuntimeError as error:
            print(f"my error is not hidden: {error}")
        print(f"devbox {devbox.id} is {devbox.get_info().status}")


if __name__ == "__main__":
    main()
