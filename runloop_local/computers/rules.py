"""Pure decisions of computers: the tools a desktop needs, its start script, the commands of each
interaction, and the signed paths of the live screen.

A computer is a devbox whose entrypoint starts the desktop (see :func:`desktop_script`): Xvfb on
display ``:1`` listening only on its file socket in the devbox's private ``/tmp``
(``-nolisten tcp -nolisten local``: no abstract socket, which a shared network namespace would
show to other devboxes), openbox and an xterm where installed, and x11vnc serving the display on
a unix socket, ``/tmp/.runloop-desktop/vnc.sock``, which the engine reaches through the devbox's
``/tmp`` folder on the host. The devboxes see the host's ``/usr``, so the tools are the host's.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from ..http.errors import ApiError, bad_request
from ..objects.urls import sign, signature_ok

__all__ = [
    "DESKTOP_DIR",
    "DISPLAY",
    "REQUIRED_TOOLS",
    "SCREEN_TTL_SECONDS",
    "ScreenGrant",
    "check_coordinate",
    "check_dimensions",
    "cursor_output",
    "desktop_script",
    "keyboard_command",
    "missing_tools",
    "mouse_command",
    "screen_grant",
    "screen_prefix",
    "live_screen_url",
]

DISPLAY = ":1"
DESKTOP_DIR = ".runloop-desktop"
"""The desktop's folder under the devbox's ``/tmp``: its logs, ``vnc.sock`` and ``ready``."""
SCREENSHOT_COMMAND = "import -silent -window root png24:-"
"""8-bit RGB always (ImageMagick would pick a palette or grey for a plain screen)."""
SCREEN_TTL_SECONDS = 24 * 3600
"""How long a live screen URL is valid (a connected viewer stays connected past it)."""
DEFAULT_WIDTH, DEFAULT_HEIGHT = 1280, 800
_MIN_SIDE, _MAX_WIDTH, _MAX_HEIGHT = 64, 7680, 4320

REQUIRED_TOOLS: Mapping[str, str] = {
    "Xvfb": "xvfb",
    "xdotool": "xdotool",
    "x11vnc": "x11vnc",
    "import": "imagemagick",
}
"""Programs a desktop needs, with the Debian package of each."""
_NOVNC_PACKAGE = "novnc"
_OPTIONAL_PACKAGES = ("openbox", "xterm")

Mode = Literal["control", "view"]


def missing_tools(which: Callable[[str], str | None], novnc_found: bool) -> list[str]:
    """The Debian packages to install before a computer can start (empty: none), pure.

    Args:
        which: Finds a program on the host (``shutil.which``).
        novnc_found: Whether noVNC's page (``vnc.html``) was found.
    """
    missing = [package for program, package in REQUIRED_TOOLS.items() if which(program) is None]
    if not novnc_found:
        missing.append(_NOVNC_PACKAGE)
    return missing


def install_hint(missing: list[str]) -> str:
    """The 501 message of a computer create on a host without the desktop's packages, pure."""
    packages = " ".join([*missing, *_OPTIONAL_PACKAGES])
    return (
        f"createComputer needs {', '.join(missing)} on this machine (devboxes see the host's /usr): "
        f"install them with `sudo apt-get install --no-install-recommends {packages}` "
        "(scripts/test.sh does) and try again"
    )


def check_dimensions(width: int | None, height: int | None) -> tuple[int, int]:
    """The display's size: the request's, or 1280 x 800.

    Raises:
        ApiError: 400 for a size out of 64 x 64 .. 7680 x 4320.
    """
    if width is None or height is None:
        return DEFAULT_WIDTH, DEFAULT_HEIGHT
    if not (_MIN_SIDE <= width <= _MAX_WIDTH and _MIN_SIDE <= height <= _MAX_HEIGHT):
        raise bad_request(
            f"invalid field `display_dimensions`: {width} x {height} px is out of "
            f"{_MIN_SIDE} x {_MIN_SIDE} .. {_MAX_WIDTH} x {_MAX_HEIGHT}"
        )
    return width, height


def desktop_script(width: int, height: int) -> str:
    """The devbox entrypoint that starts the desktop and stays while Xvfb runs, pure.

    It writes ``/tmp/.runloop-desktop/ready`` once the display and the VNC socket answer; the
    devbox shuts down (``entrypoint_exit``) when Xvfb ends.
    """
    d = f"/tmp/{DESKTOP_DIR}"
    return "\n".join(
        [
            f"export DISPLAY={DISPLAY}",
            f"d={d}; rm -rf $d; mkdir -p $d",
            f"Xvfb {DISPLAY} -screen 0 {width}x{height}x24 -nolisten tcp -nolisten local >$d/xvfb.log 2>&1 &",
            "x=$!",
            "for _ in $(seq 500); do [ -S /tmp/.X11-unix/X1 ] && break; sleep 0.01; done",
            "command -v openbox >/dev/null && { openbox >$d/wm.log 2>&1 & }",
            # -noshm: the sandbox's own IPC namespace; -nopw: the engine's signed URL is the lock.
            "x11vnc -display :1 -unixsock $d/vnc.sock -rfbport 0 -forever -shared -nopw -noshm"
            " -quiet >$d/vnc.log 2>&1 &",
            "if command -v xterm >/dev/null; then xterm -geometry 100x30+80+60 >$d/xterm.log 2>&1 & t=$!",
            # xterm starts its shell once its window is up.
            "  for _ in $(seq 500); do pgrep -P $t >/dev/null && break; sleep 0.02; done; fi",
            # The first key event after Xvfb starts is lost (keymap set-up): spend it on a bare Shift.
            "xdotool key shift </dev/null >/dev/null 2>&1",
            "for _ in $(seq 1000); do [ -S $d/vnc.sock ] && break; sleep 0.01; done",
            "touch $d/ready",
            "wait $x",
        ]
    )


def check_coordinate(x: int, y: int, width: int, height: int) -> None:
    """Checks a mouse coordinate lies on the display.

    Raises:
        ApiError: 400 naming the display's size.
    """
    if not (0 <= x < width and 0 <= y < height):
        raise bad_request(f"invalid field `coordinate`: ({x}, {y}) is off the {width} x {height} display")


def keyboard_command(action: str, text: str | None) -> str:
    """The xdotool command of a keyboard action (``key``: key names such as ``ctrl+s Return``), pure.

    Raises:
        ApiError: 400 without ``text``.
    """
    if not text:
        raise bad_request(
            f"invalid field `text`: the `{action}` action needs the text to type or the key to press"
        )
    if action == "type":
        return f"xdotool type --delay 8 -- {shlex.quote(text)}"
    return f"xdotool key --delay 20 -- {' '.join(shlex.quote(key) for key in text.split())}"


_BUTTONS = {"left_click": "1", "middle_click": "2", "right_click": "3"}


def mouse_command(action: str, at: tuple[int, int] | None) -> str:
    """The xdotool command of a mouse action, pure.

    ``mouse_move`` and ``left_click_drag`` (from where the pointer is to ``at``) need a
    coordinate; clicks click where the pointer is, after moving to ``at`` when given.

    Raises:
        ApiError: 400 for a missing coordinate.
    """
    if at is None and action in ("mouse_move", "left_click_drag"):
        raise bad_request(f"invalid field `coordinate`: the `{action}` action needs one")
    # No --sync: it waits about 15 s when the pointer is already there.
    move = "" if at is None else f"mousemove {at[0]} {at[1]} "
    if action == "mouse_move":
        return f"xdotool {move}".rstrip()
    if action == "left_click_drag":
        return f"xdotool mousedown 1 {move}mouseup 1"
    if action == "double_click":
        return f"xdotool {move}click --repeat 2 --delay 80 1"
    return f"xdotool {move}click {_BUTTONS[action]}"


def cursor_output(shell_output: str) -> str:
    """``X=..,Y=..`` from ``xdotool getmouselocation --shell`` output, pure.

    Raises:
        ValueError: When the output has no X or Y.
    """
    values = dict(line.split("=", 1) for line in shell_output.splitlines() if "=" in line)
    if "X" not in values or "Y" not in values:
        raise ValueError(f"unexpected getmouselocation output {shell_output!r}")
    return f"X={int(values['X'])},Y={int(values['Y'])}"


# -- the live screen's signed paths ---------------------------------------------------------------


@dataclass(frozen=True)
class ScreenGrant:
    """What a signed live-screen path allows: one computer, watched or controlled, until a time."""

    computer_id: str
    mode: Mode
    expires: int


def _action(mode: str) -> str:
    return f"screen-{mode}"  # distinct from the object URLs' actions signed with the same key


def screen_prefix(key: bytes, computer_id: str, mode: Mode, expires: int) -> str:
    """The signed path under which a computer's live screen is served (no trailing slash), pure."""
    sig = sign(key, _action(mode), computer_id, expires)
    return f"/_local/computers/{computer_id}/screen/{mode}/{expires}/{sig}"


def live_screen_url(base_url: str, key: bytes, computer_id: str, mode: Mode, expires: int) -> str:
    """The noVNC page of a computer, its websocket path signed alike, pure."""
    prefix = screen_prefix(key, computer_id, mode, expires)
    query = f"autoconnect=1&reconnect=1&resize=scale&path={prefix.lstrip('/')}/websockify"
    if mode == "view":
        query += "&view_only=1"
    return f"{base_url.rstrip('/')}{prefix}/vnc.html?{query}"


def screen_grant(key: bytes, computer_id: str, mode: str, expires: str, sig: str, now: float) -> ScreenGrant:
    """Checks the signature and expiry of a live-screen path's parts.

    Raises:
        ApiError: 403 for a wrong mode, signature or expiry.
    """
    if mode not in ("control", "view") or not expires.isdigit():
        raise ApiError(403, "not a live screen URL: ask retrieveComputer for one")
    if not signature_ok(key, _action(mode), computer_id, sig, int(expires)):
        raise ApiError(403, "the live screen URL's signature is wrong: ask retrieveComputer for a new one")
    if int(expires) < now:
        raise ApiError(403, "the live screen URL has expired: ask retrieveComputer for a new one")
    return ScreenGrant(computer_id, "view" if mode == "view" else "control", int(expires))
