"""Computers: a real desktop in a devbox, driven through the API and watched through noVNC.

The end-to-end tests share one engine and one computer (a desktop takes about 0.6 s to start
and 130 MiB); they skip, naming the packages, where the desktop's tools are missing.
"""

from __future__ import annotations

import shutil
import struct
import zlib
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest
import websockets.sync.client as ws_client

from runloop_api import APIStatusError, RunloopAPI
from runloop_local import LocalEngine
from runloop_local.computers import rules
from runloop_local.computers.rfb import ClientStream, RfbError
from runloop_local.computers.service import find_novnc
from runloop_local.http.errors import ApiError
from runloop_sdk import RunloopSDK
from runloop_sdk._sync.computer import Computer

KEY = b"k" * 32

# -- pure rules --------------------------------------------------------------------------------------


def test_keyboard_commands_quote_the_text() -> None:
    assert rules.keyboard_command("type", "a'b $(x)") == "xdotool type --delay 8 -- 'a'\"'\"'b $(x)'"
    assert rules.keyboard_command("key", "ctrl+s  Return") == "xdotool key --delay 20 -- ctrl+s Return"
    with pytest.raises(ApiError, match="`text`"):
        rules.keyboard_command("key", None)


def test_mouse_commands() -> None:
    assert rules.mouse_command("mouse_move", (3, 4)) == "xdotool mousemove 3 4"
    assert rules.mouse_command("right_click", None) == "xdotool click 3"
    assert rules.mouse_command("left_click", (1, 2)) == "xdotool mousemove 1 2 click 1"
    assert rules.mouse_command("left_click_drag", (5, 6)) == "xdotool mousedown 1 mousemove 5 6 mouseup 1"
    assert rules.mouse_command("double_click", None) == "xdotool click --repeat 2 --delay 80 1"
    with pytest.raises(ApiError, match="needs one"):
        rules.mouse_command("mouse_move", None)
    with pytest.raises(ApiError, match=r"off the 100 x 50 display"):
        rules.check_coordinate(100, 0, 100, 50)


def test_dimensions_and_missing_tools() -> None:
    assert rules.check_dimensions(None, None) == (1280, 800)
    assert rules.check_dimensions(640, 480) == (640, 480)
    with pytest.raises(ApiError, match="out of"):
        rules.check_dimensions(10, 480)
    assert rules.missing_tools(lambda name: None if name == "x11vnc" else "/bin/x", False) == [
        "x11vnc",
        "novnc",
    ]
    assert "apt-get install --no-install-recommends x11vnc" in rules.install_hint(["x11vnc"])


def test_cursor_output() -> None:
    assert rules.cursor_output("X=10\nY=20\nSCREEN=0\nWINDOW=3\n") == "X=10,Y=20"
    with pytest.raises(ValueError):
        rules.cursor_output("")


def test_screen_grants_check_signature_mode_and_expiry() -> None:
    prefix = rules.screen_prefix(KEY, "dbx_a", "view", 2000)
    _, _, _, id, _, mode, expires, sig = prefix.split("/")
    assert rules.screen_grant(KEY, id, mode, expires, sig, now=1000) == rules.ScreenGrant(
        "dbx_a", "view", 2000
    )
    for args in [
        (id, "control", expires, sig, 1000),  # a view URL cannot be made a control one
        ("dbx_b", mode, expires, sig, 1000),
        (id, mode, "2001", sig, 1000),
        (id, mode, expires, sig, 2001),  # expired
        (id, mode, "x", sig, 1000),
    ]:
        with pytest.raises(ApiError) as err:
            rules.screen_grant(KEY, *args)
        assert err.value.status == 403


def _client_messages() -> tuple[bytes, bytes, bytes]:
    handshake = b"RFB 003.008\n" + b"\x01" + b"\x01"  # version, security None, ClientInit shared
    harmless = (
        struct.pack(">BxH", 2, 2)
        + struct.pack(">ii", 0, -223)  # SetEncodings
        + struct.pack(">BBHHHH", 3, 0, 0, 0, 10, 10)  # FramebufferUpdateRequest
    )
    inputs = (
        struct.pack(">BBxxI", 4, 1, 0x61)  # KeyEvent
        + struct.pack(">BBHH", 5, 1, 5, 5)  # PointerEvent
        + struct.pack(">BxxxI", 6, 3)
        + b"abc"  # ClientCutText
    )
    return handshake, harmless, inputs


def test_view_only_stream_drops_input_byte_by_byte() -> None:
    handshake, harmless, inputs = _client_messages()
    stream = handshake + inputs + harmless
    guard = ClientStream(view_only=True)
    passed = b"".join(guard.feed(stream[i : i + 1]) for i in range(len(stream)))
    assert passed == handshake + harmless
    assert ClientStream(view_only=False).feed(stream) == stream


def test_unknown_client_messages_end_the_stream() -> None:
    handshake, _, _ = _client_messages()
    with pytest.raises(RfbError, match="type 99"):
        ClientStream(view_only=True).feed(handshake + b"\x63" + b"\0" * 20)
    with pytest.raises(RfbError, match="not an RFB client"):
        ClientStream(view_only=False).feed(b"GET / HTTP/1.1\r\n")


# -- end to end ------------------------------------------------------------------------------------

_TOOLS_MISSING = [p for t, p in rules.REQUIRED_TOOLS.items() if shutil.which(t) is None] + (
    [] if find_novnc() else ["novnc"]
)
desktop = pytest.mark.skipif(
    bool(_TOOLS_MISSING) or shutil.which("bwrap") is None,
    reason=f"the desktop needs {' '.join(_TOOLS_MISSING) or 'bubblewrap'} (scripts/test.sh installs them)",
)


@pytest.fixture(scope="module")
def sdk(engine: LocalEngine) -> Iterator[RunloopSDK]:
    with RunloopSDK(base_url=engine.base_url, bearer_token=engine.token) as client:
        yield client


@pytest.fixture(scope="module")
def computer(sdk: RunloopSDK) -> Iterator[Computer]:
    made = sdk.computer.create(name="desk", display_width=1024, display_height=768)
    yield made
    made.devbox.shutdown()


def _pixels(png: bytes) -> tuple[int, int, bytes]:
    """Width, height and RGB bytes of an 8-bit RGB PNG (what the engine sends)."""
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    pos, idat, header = 8, b"", b""
    while pos < len(png):
        (length,) = struct.unpack_from(">I", png, pos)
        kind, body = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        header = body if kind == b"IHDR" else header
        idat += body if kind == b"IDAT" else b""
        pos += 12 + length
    width, height, depth, color = struct.unpack_from(">IIBB", header)
    assert (depth, color) == (8, 2), "8-bit RGB"
    raw, stride, out = zlib.decompress(idat), width * 3, bytearray()
    prev = bytearray(stride)
    for row in range(height):
        kind, line = (
            raw[row * (stride + 1)],
            bytearray(raw[row * (stride + 1) + 1 : (row + 1) * (stride + 1)]),
        )
        for i in range(stride):
            a = line[i - 3] if i >= 3 else 0
            b, c = prev[i], prev[i - 3] if i >= 3 else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        out += line
        prev = line
    return width, height, bytes(out)


def _changed(before: bytes, after: bytes, width: int, box: tuple[int, int, int, int]) -> int:
    """How many pixels differ inside ``box`` (left, top, right, bottom)."""
    left, top, right, bottom = box
    return sum(
        before[(y * width + x) * 3 : (y * width + x) * 3 + 3]
        != after[(y * width + x) * 3 : (y * width + x) * 3 + 3]
        for y in range(top, bottom)
        for x in range(left, right)
    )


@desktop
def test_typed_text_appears_in_the_xterm(computer: Computer) -> None:
    width, height, before = _pixels(computer.screenshot())
    assert (width, height) == (1024, 768)
    computer.mouse("left_click", x=300, y=200)  # into the xterm (at +80+60)
    answer = computer.keyboard("type", "echo typed-by-the-test")
    assert answer.error is None and answer.latest_screenshot_base64_img
    computer.keyboard("key", "Return")
    _, _, after = _pixels(computer.screenshot())
    # The prompt line and the echoed one, inside the xterm; nothing outside it.
    assert _changed(before, after, width, (80, 60, 680, 140)) > 200
    assert _changed(before, after, width, (720, 0, 1024, 768)) == 0


@desktop
def test_mouse_moves_are_the_cursor_position(computer: Computer) -> None:
    computer.mouse("mouse_move", x=123, y=456)
    assert computer.cursor_position() == (123, 456)
    computer.mouse("left_click_drag", x=130, y=460)
    assert computer.cursor_position() == (130, 460)
    with pytest.raises(APIStatusError, match="off the 1024 x 768 display"):
        computer.mouse("mouse_move", x=1024, y=10)


@desktop
def test_the_live_screen_page_needs_its_signature(computer: Computer, engine: LocalEngine) -> None:
    url = computer.live_screen_url()
    assert url.startswith(engine.base_url + "/_local/computers/" + computer.id + "/screen/control/")
    page = httpx.get(url)
    assert page.status_code == 200 and "noVNC" in page.text
    assert httpx.get(url.split("vnc.html")[0] + "core/rfb.js").status_code == 200  # relative loads
    parts = urlsplit(url).path.split("/")
    parts[7] = "0" * 64
    assert httpx.get(engine.base_url + "/".join(parts)).status_code == 403
    assert httpx.get(f"{engine.base_url}/_local/computers/{computer.id}/screen/vnc.html").status_code == 401
    assert httpx.get(url.split("vnc.html")[0] + "../../../../../../etc/passwd").status_code in (401, 404)


class _Rfb:
    """A minimal RFB client over the live screen's websocket."""

    def __init__(self, ws: ws_client.ClientConnection) -> None:
        self.ws = ws
        self.buffer = b""

    def read(self, n: int) -> bytes:
        while len(self.buffer) < n:
            message = self.ws.recv(timeout=20)
            self.buffer += message if isinstance(message, bytes) else message.encode()
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def handshake(self) -> tuple[bytes, int, int]:
        greeting = self.read(12)
        self.ws.send(b"RFB 003.008\n")
        (count,) = self.read(1)
        assert 1 in self.read(count)  # None: the signed URL is the lock
        self.ws.send(b"\x01")
        assert self.read(4) == b"\0\0\0\0"
        self.ws.send(b"\x01")
        width, height = struct.unpack(">HH", self.read(4))
        self.read(16)
        (name_length,) = struct.unpack(">I", self.read(4))
        self.read(name_length)
        return greeting, width, height

    def point(self, x: int, y: int) -> None:
        self.ws.send(struct.pack(">BBHH", 5, 0, x, y))


def _connect(page_url: str) -> ws_client.ClientConnection:
    url = "ws" + page_url.split("?")[0].removeprefix("http").replace("/vnc.html", "/websockify")
    return ws_client.connect(url, subprotocols=["binary"], open_timeout=20)  # type: ignore[list-item]


@desktop
def test_the_websocket_speaks_rfb_and_view_only_drops_input(
    computer: Computer, api: RunloopAPI, engine: LocalEngine
) -> None:
    with _connect(computer.live_screen_url()) as ws:
        control = _Rfb(ws)
        greeting, width, height = control.handshake()
        assert greeting.startswith(b"RFB 003.00") and (width, height) == (1024, 768)
        control.point(200, 300)
        control.ws.send(struct.pack(">BBHHHH", 3, 0, 0, 0, 8, 8))
        assert control.read(1) == b"\x00"  # FramebufferUpdate: the pointer event went before it
    assert computer.cursor_position() == (200, 300)  # the pointer event reached the display

    view_url = computer.live_screen_url(view_only=True)
    assert "/screen/view/" in view_url and "view_only=1" in view_url
    with _connect(view_url) as ws:
        viewer = _Rfb(ws)
        viewer.handshake()
        viewer.point(10, 10)
        viewer.ws.send(struct.pack(">BBHHHH", 3, 0, 0, 0, 8, 8))  # an update request still passes
        assert viewer.read(1) == b"\x00"  # FramebufferUpdate
    assert computer.cursor_position() == (200, 300)


def test_without_the_desktop_packages_create_answers_501(monkeypatch: pytest.MonkeyPatch) -> None:
    with (
        LocalEngine() as engine,
        RunloopAPI(base_url=engine.base_url, bearer_token=engine.token, max_retries=0) as api,
    ):
        monkeypatch.setenv("PATH", "/nonexistent")
        monkeypatch.setenv("RUNLOOP_LOCAL_NOVNC_DIR", "/nonexistent")
        monkeypatch.setattr("runloop_local.computers.service.find_novnc", lambda: None)
        with pytest.raises(APIStatusError) as err:
            api.devboxes.computers.create()
        assert err.value.status_code == 501
        assert "apt-get install --no-install-recommends xvfb xdotool x11vnc imagemagick novnc" in str(
            err.value
        )
        assert list(api.devboxes.list()) == []  # nothing was made


def test_a_devbox_is_not_a_computer(api: RunloopAPI, devbox: object) -> None:
    with pytest.raises(APIStatusError) as err:
        api.devboxes.computers.retrieve(getattr(devbox, "id"))  # noqa: B009
    assert err.value.status_code == 404
