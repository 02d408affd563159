"""Fan out: run a command on 10 devboxes at once with the async SDK.

python examples/async_fan_out.py
"""

from __future__ import annotations

import asyncio
import os

from runloop_sdk import AsyncDevbox, AsyncRunloopSDK

COUNT = 10


def connect() -> AsyncRunloopSDK:
    """The cloud when ``RUNLOOP_API_KEY`` is set, else the embedded local engine."""
    return AsyncRunloopSDK() if os.environ.get("RUNLOOP_API_KEY") else AsyncRunloopSDK.local()


async def work(devbox: AsyncDevbox, index: int) -> str:
    result = await devbox.cmd.exec(f"echo worker {index}: $(( {index} * {index} ))")
    return (await result.stdout()).strip()


async def main() -> None:
    async with connect() as sdk:
        devboxes = await asyncio.gather(*(sdk.devbox.create(name=f"fan-{i}") for i in range(COUNT)))
        try:
            for line in await asyncio.gather(*(work(box, i) for i, box in enumerate(devboxes))):
                print(line)
        finally:
            await asyncio.gather(*(box.shutdown() for box in devboxes))
    print(f"{COUNT} devboxes done and shut down")


if __name__ == "__main__":
    asyncio.run(main())
