"""Blueprint -> devbox: build an image from a Dockerfile, watch the build, start a devbox from it.

python examples/blueprint_devbox.py
"""

from __future__ import annotations

import os

from runloop_sdk import BuildFailedError, RunloopSDK

DOCKERFILE = """FROM ubuntu:22.04
RUN apt-get update && apt-get install -y python3
"""


def connect() -> RunloopSDK:
    """The cloud when ``RUNLOOP_API_KEY`` is set, else the embedded local engine."""
    return RunloopSDK() if os.environ.get("RUNLOOP_API_KEY") else RunloopSDK.local()


def main() -> None:
    with connect() as sdk:
        blueprint = sdk.blueprint.create_async(name="python-ready", dockerfile=DOCKERFILE)
        for entry in blueprint.stream_logs():  # live, until the build ends
            print("build |", entry.message)
        try:
            blueprint.await_build_complete()
        except BuildFailedError as error:
            print(error)  # carries the tail of the build log
            raise
        with blueprint.create_devbox(name="from-blueprint") as devbox:
            print(devbox.cmd.exec("python3 --version").stdout().strip())


if __name__ == "__main__":
    main()
