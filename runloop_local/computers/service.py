"""Computers: a devbox whose entrypoint runs a desktop; interactions run xdotool and ImageMagick's
``import`` in it; its live screen is relayed from x11vnc's unix socket by a process in the devbox.

The relay runs inside the devbox (as its user, through its agent) rather than the engine opening
the socket through the host's view of the devbox's ``/tmp``: a path there is the devbox user's
to change, and a symlink swapped in could point the engine, as root, at any socket of the host.
"""

from __future__ import annotations

import asyncio
import base64
import os
import shlex
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from runloop_api.types import DevboxCreateParameters

from ..devboxes.records import DevboxRecord
from ..devboxes.service import DevboxService
from ..http.errors import ApiError, not_found
from ..objects.urls import load_key
from ..sandbox.contract import ExecHandle, Sandbox
from . import rules
from .records import ComputerRecord, ComputerStore

__all__ = ["ComputerService", "Relay", "find_novnc"]

_READY_TIMEOUT = 20.0
_COMMAND_TIMEOUT = 30.0
_RELAY = (
    "import os,socket,sys,threading\n"
    "s=socket.socket(socket.AF_UNIX)\n"
    "s.connect(sys.argv[1])\n"
    "def up():\n"
    " while (b:=os.read(0,65536)): s.sendall(b)\n"
    " s.shutdown(socket.SHUT_WR)\n"
    "threading.Thread(target=up,daemon=True).start()\n"
    "while (b:=s.recv(65536)): os.write(1,b)\n"
)
"""Copies stdin to the VNC socket and the socket to stdout (python3 is in every devbox: the agent runs on it)."""


def find_novnc() -> Path | None:
    """The folder of noVNC's page: ``RUNLOOP_LOCAL_NOVNC_DIR``, or Debian's ``/usr/share/novnc``."""
    for folder in (os.environ.get("RUNLOOP_LOCAL_NOVNC_DIR"), "/usr/share/novnc"):
        if folder and (Path(folder) / "vnc.html").is_file():
            return Path(folder)
    return None


@dataclass
class _Run:
    code: int
    stdout: bytes
    stderr: bytes


@dataclass
class Relay:
    """A live connection to a computer's VNC server, through a process in its devbox."""

    handle: ExecHandle
    received: asyncio.Queue[bytes | None]
    """What the server sent; None once the relay has ended."""


class ComputerService:
    """The computers of an engine: records, desktops, interactions and live screens.

    Args:
        devboxes: The devbox service (computers are devboxes).
        which: Finds a host program (``shutil.which``; tests may pretend one is missing).
    """

    def __init__(self, devboxes: DevboxService, which: Callable[[str], str | None] = shutil.which) -> None:
        self.devboxes = devboxes
        self._which = which
        self._store: ComputerStore | None = None
        self.key = load_key(devboxes.data_dir)

    @property
    def store(self) -> ComputerStore:
        """The records (opened on first use)."""
        if self._store is None:
            self._store = ComputerStore(self.devboxes.data_dir / "engine.sqlite3")
        return self._store

    def close(self) -> None:
        """Closes the records."""
        if self._store is not None:
            self._store.close()
            self._store = None

    @property
    def novnc(self) -> Path | None:
        """noVNC's folder on this machine (None: not installed)."""
        return find_novnc()

    async def create(self, name: str | None, width: int | None, height: int | None) -> DevboxRecord:
        """Starts a devbox with a desktop of ``width`` x ``height`` (1280 x 800 by default).

        Raises:
            ApiError: 400 bad size; 501 where the desktop's packages or bubblewrap are missing.
        """
        size = rules.check_dimensions(width, height)
        missing = rules.missing_tools(self._which, self.novnc is not None)
        if missing:
            raise ApiError(501, rules.install_hint(missing))
        if self.devboxes.isolation == "none" or self._which("bwrap") is None:
            # Without a sandbox the display's socket would be in the host's shared /tmp.
            raise ApiError(501, "createComputer needs bubblewrap sandboxes (`apt-get install bubblewrap`)")
        params = DevboxCreateParameters(name=name, entrypoint=rules.desktop_script(*size))
        rec = await self.devboxes.create(params)
        self.store.put(ComputerRecord(rec.id, *size))
        return rec

    def get(self, id: str) -> ComputerRecord:
        """The computer ``id``.

        Raises:
            ApiError: 404 when no computer has that id.
        """
        found = self.store.get(id)
        if found is None:
            raise not_found("computer", id)
        return found

    def screen_url(self, id: str, base_url: str, *, view_only: bool = False) -> str:
        """A signed live screen URL of computer ``id``, valid for a day."""
        expires = int(time.time()) + rules.SCREEN_TTL_SECONDS
        return rules.live_screen_url(base_url, self.key, id, "view" if view_only else "control", expires)

    # -- the desktop ---------------------------------------------------------------------------------

    async def _desktop(self, id: str, action: str) -> tuple[ComputerRecord, Sandbox]:
        """The computer and its sandbox once its desktop is up (waits for it).

        Raises:
            ApiError: 404 unknown computer; 400 devbox not running; 503 desktop not up in time.
        """
        computer = self.get(id)
        rec, live = self.devboxes.require_running(id, action)
        assert live.sandbox is not None
        ready = self.devboxes.folders(rec).tmp / rules.DESKTOP_DIR / "ready"
        deadline = time.monotonic() + _READY_TIMEOUT
        while not ready.exists():
            if time.monotonic() > deadline:
                raise ApiError(503, f"the desktop of computer {id} did not start: see the devbox's logs")
            await asyncio.sleep(0.02)
        live.touch()
        return computer, live.sandbox

    async def _run(self, sandbox: Sandbox, command: str) -> _Run:
        out, err = bytearray(), bytearray()
        handle = await sandbox.exec(
            command, on_stdout=out.extend, on_stderr=err.extend, env={"DISPLAY": rules.DISPLAY}
        )
        try:
            code = await asyncio.wait_for(handle.wait(), _COMMAND_TIMEOUT)
        except asyncio.TimeoutError:
            await handle.kill()
            raise ApiError(504, f"`{command[:80]}` did not end within {_COMMAND_TIMEOUT:.0f} s") from None
        return _Run(code, bytes(out), bytes(err))

    async def _screenshot(self, sandbox: Sandbox) -> tuple[str | None, str | None]:
        """The display as base64 PNG, or the error."""
        run = await self._run(sandbox, rules.SCREENSHOT_COMMAND)
        if run.code != 0 or not run.stdout.startswith(b"\x89PNG"):
            return None, run.stderr.decode(errors="replace").strip() or f"import exited {run.code}"
        return base64.b64encode(run.stdout).decode(), None

    async def _act(self, sandbox: Sandbox, command: str) -> dict[str, str | None]:
        run = await self._run(sandbox, command)
        stderr = run.stderr.decode(errors="replace").strip()
        if run.code != 0:
            return {
                "output": run.stdout.decode(errors="replace"),
                "error": stderr or f"exit status {run.code}",
            }
        image, error = await self._screenshot(sandbox)
        return {
            "output": run.stdout.decode(errors="replace"),
            "error": error,
            "latest_screenshot_base64_img": image,
        }

    async def keyboard(self, id: str, action: str, text: str | None) -> dict[str, str | None]:
        """Types text or presses keys, then takes a screenshot."""
        self.get(id)  # an unknown computer is 404 whatever the body says
        command = rules.keyboard_command(action, text)
        _, sandbox = await self._desktop(id, "use the keyboard")
        return await self._act(sandbox, command)

    async def mouse(self, id: str, action: str, at: tuple[int, int] | None) -> dict[str, str | None]:
        """Moves, clicks or drags the mouse, then takes a screenshot."""
        computer = self.get(id)
        if at is not None:
            rules.check_coordinate(*at, computer.width, computer.height)
        command = rules.mouse_command(action, at)
        _, sandbox = await self._desktop(id, "use the mouse")
        return await self._act(sandbox, command)

    async def screen(self, id: str, action: str) -> dict[str, str | None]:
        """A screenshot (base64 PNG) or the cursor position (``X=..,Y=..``)."""
        _, sandbox = await self._desktop(id, "look at the screen")
        if action == "screenshot":
            image, error = await self._screenshot(sandbox)
            return {"latest_screenshot_base64_img": image, "error": error}
        run = await self._run(sandbox, "xdotool getmouselocation --shell")
        try:
            return {"output": rules.cursor_output(run.stdout.decode(errors="replace"))}
        except ValueError:
            return {"error": run.stderr.decode(errors="replace").strip() or f"exit status {run.code}"}

    async def open_relay(self, id: str) -> Relay:
        """Connects to the computer's VNC server through a relay process in its devbox."""
        _, sandbox = await self._desktop(id, "watch the screen")
        received: asyncio.Queue[bytes | None] = asyncio.Queue()
        socket_path = f"/tmp/{rules.DESKTOP_DIR}/vnc.sock"
        handle = await sandbox.exec(
            f"exec python3 -I -c {shlex.quote(_RELAY)} {socket_path}",
            on_stdout=received.put_nowait,
            on_stderr=lambda _data: None,
        )
        handle.add_exit_callback(lambda _code: received.put_nowait(None))
        return Relay(handle, received)

    def touch(self, id: str) -> None:
        """Counts watching the screen as the devbox's activity."""
        live = self.devboxes.live.get(id)
        if live is not None:
            live.touch()
