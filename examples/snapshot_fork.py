"""Snapshot fork: prepare a devbox, snapshot its disk, start two forks from the snapshot.

python examples/snapshot_fork.py
"""

from __future__ import annotations

import os

from runloop_sdk import RunloopSDK


def connect() -> RunloopSDK:
    """The cloud when ``RUNLOOP_API_KEY`` is set, else the embedded local engine."""
    return RunloopSDK() if os.environ.get("RUNLOOP_API_KEY") else RunloopSDK.local()


def main() -> None:
    with connect() as sdk:
        with sdk.devbox.create(name="base") as base:
            base.file.write("state.txt", "prepared once\n")
            snapshot = base.snapshot_disk(name="prepared")  # waits until complete
        print("snapshot", snapshot.id)
        for name in ("fork-a", "fork-b"):
            with snapshot.create_devbox(name=name) as fork:
                print(name, "sees:", fork.file.read("state.txt").strip())
        snapshot.delete()


if __name__ == "__main__":
    main()
