"""Computer use: start a desktop devbox, click, type, and save a screenshot.

python examples/computer_use.py
"""

from __future__ import annotations

import os

from runloop_sdk import RunloopSDK


def connect() -> RunloopSDK:
    """The cloud when ``RUNLOOP_API_KEY`` is set, else the embedded local engine."""
    return RunloopSDK() if os.environ.get("RUNLOOP_API_KEY") else RunloopSDK.local()


def main() -> None:
    with connect() as sdk:
        computer = sdk.computer.create(display_width=1280, display_height=800)
        try:
            print("watch it live at", computer.live_screen_url())
            computer.mouse("left_click", x=640, y=400)
            computer.keyboard("type", "hello from the Runloop SDK")
            computer.keyboard("key", "Return")
            print("cursor at", computer.cursor_position())
            png = computer.screenshot("screen.png")
            print(f"saved screen.png ({len(png)} bytes)")
        finally:
            computer.devbox.shutdown()


if __name__ == "__main__":
    main()
