"""Terminal sessions end to end: the raw client's pty.connect / pty.control and the engine's websocket."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from runloop_api import APIStatusError, AuthenticationError, BadRequestError, NotFoundError, RunloopAPI
from runloop_api.types import DevboxView
from runloop_local import LocalEngine
from runloop_local.sandbox import OutputCallback, PtyHandle, Sandbox, SandboxError, SandboxSpec
from runloop_sdk._base.websocket import WebsocketOptions

from ._spec_check import ValidatingClient
from .test_engine_fake_sandbox import _SlowSandbox
from .test_sandbox_runtime import HAS_BWRAP, host_processes_with

TIMEOUT = 15.0


@pytest.fixture(
    scope="module",
    params=[
        pytest.param("none", id="none"),
        pytest.param(
            "bwrap",
            id="bwrap",
            marks=[pytest.mark.bwrap, pytest.mark.skipif(not HAS_BWRAP, reason="needs bwrap")],
        ),
    ],
)
def engine(request: pytest.FixtureRequest) -> Iterator[LocalEngine]:
    """An engine per isolation (the PTY tests run on both)."""
    with LocalEngine(isolation=request.param) as running:
        yield running


@pytest.fixture(scope="module")
def api(engine: LocalEngine, http: ValidatingClient) -> Iterator[RunloopAPI]:
    with RunloopAPI(
        base_url=engine.base_url, bearer_token=engine.token, http_client=http, max_retries=0
    ) as client:
        yield client


@pytest.fixture(scope="module")
def box(api: RunloopAPI) -> Iterator[DevboxView]:
    view = api.devboxes.create_and_await_running(name="pty")
    yield view
    api.devboxes.shutdown(view.id)


@pytest.fixture
def name() -> str:
    """A session name of this test alone."""
    return f"t{random.randint(10**8, 10**9)}"


class Term:
    """A websocket client of a session, with what it has read so far."""

    def __init__(self, url: str, token: str) -> None:
        self.ws: ClientConnection = connect(
            url,
            additional_headers={"Authorization": f"Bearer {token}"},
            open_timeout=TIMEOUT,
            **WebsocketOptions.extra(),  # outlives a with block, as the SDK's sessions do
        )
        self.screen = bytearray()

    def send(self, text: str) -> None:
        self.ws.send(text.encode())

    def read_until(self, needle: bytes, start: int = 0) -> int:
        """Reads until ``needle`` appears after ``start``; returns where."""
        deadline = time.monotonic() + TIMEOUT
        while (at := self.screen.find(needle, start)) < 0:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{needle!r} never came; the screen: {bytes(self.screen)!r}")
            try:
                message = self.ws.recv(timeout=left)
            except TimeoutError:
                continue
            self.screen += message if isinstance(message, bytes) else message.encode()
        return at

    def closed(self) -> tuple[int | None, str | None]:
        """Reads to the end; returns the server's close code and reason."""
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                self.ws.recv(timeout=TIMEOUT)
        assert closed.value.rcvd is not None
        return closed.value.rcvd.code, closed.value.rcvd.reason

    def close(self) -> None:
        self.ws.close()


@pytest.fixture
def open_term(api: RunloopAPI, engine: LocalEngine) -> Iterator[Callable[..., tuple[Term, Any]]]:
    """Connects to a session (``pty.connect``) and opens its websocket."""
    terms: list[Term] = []

    def make(devbox_id: str, name: str, cols: int | None = None, rows: int | None = None) -> tuple[Term, Any]:
        view = api.pty.connect(name, cols=cols, rows=rows, extra_query={"devbox_id": devbox_id})
        assert view.connect_url is not None
        term = Term(view.connect_url, engine.token)
        terms.append(term)
        return term, view

    yield make
    for term in terms:
        term.close()


def control(api: RunloopAPI, devbox_id: str, name: str, **params: Any) -> str | None:
    return api.pty.control(name, extra_query={"devbox_id": devbox_id}, **params).status


def test_an_interactive_bash_runs_what_is_typed(
    box: DevboxView, open_term: Any, name: str, request: pytest.FixtureRequest
) -> None:
    term, view = open_term(box.id, name, cols=100, rows=30)
    assert (view.created, view.attached, view.cols, view.rows) == (True, False, 100, 30)
    assert view.session_name == name and view.status == "running" and view.idle_ttl_seconds > 0
    term.send("echo hi\r")
    term.read_until(b"\rhi\r\n")  # the echo of what was typed, then (after a mode escape) the output
    term.send('echo "<$(stty size)> <$TERM> <$PWD> <$(id -un)>"\r')
    at = term.read_until(b"<30 100> <xterm-256color> <")
    # Plain processes start in a host folder, as the engine's user.
    if request.node.callspec.params["engine"] == "bwrap":
        term.read_until(b"<30 100> <xterm-256color> </home/user> <user>\r\n", at)


def test_reattach_by_name_finds_the_same_shell_and_what_it_printed_meanwhile(
    box: DevboxView, open_term: Any, name: str
) -> None:
    term, _ = open_term(box.id, name)
    term.send("cd /tmp && sleep 0.5 && echo away-$((20+22))\r")
    term.read_until(b"sleep 0.5")
    term.close()  # detach: the shell goes on
    time.sleep(1.0)
    again, view = open_term(box.id, name)
    assert (view.created, view.attached) == (False, True)
    again.read_until(b"away-42\r\n")  # printed while no client was attached
    again.send('echo "<$PWD>"\r')
    again.read_until(b"</tmp>")


def test_resize_changes_the_terminal_size(
    api: RunloopAPI, box: DevboxView, open_term: Any, name: str
) -> None:
    term, _ = open_term(box.id, name, cols=80, rows=24)
    assert control(api, box.id, name, action="resize", cols=132, rows=43) == "running"
    term.send('echo "<$(stty size)>"\r')
    term.read_until(b"<43 132>")
    term.close()
    again, view = open_term(box.id, name, cols=90, rows=20)  # a size on reconnect applies too
    assert (view.cols, view.rows) == (90, 20)
    again.send('echo "<$(stty size)>"\r')
    again.read_until(b"<20 90>")


@pytest.mark.parametrize("signal", ["SIGINT", "INTERRUPT"])
def test_interrupt_stops_the_foreground_command(
    api: RunloopAPI, box: DevboxView, open_term: Any, name: str, signal: str
) -> None:
    term, _ = open_term(box.id, name)
    marker = str(random.randint(100_000, 999_999))
    term.send(f"sleep 30{marker}\r")
    deadline = time.monotonic() + TIMEOUT
    while not host_processes_with(f"sleep 30{marker}"):
        assert time.monotonic() < deadline, "sleep never started"
        time.sleep(0.02)
    assert control(api, box.id, name, action="signal", signal=signal) == "running"
    term.send('echo "<$?>"\r')
    term.read_until(b"<130>")
    assert not host_processes_with(f"sleep 30{marker}")


def test_close_ends_the_session_and_frees_its_name(
    api: RunloopAPI, box: DevboxView, open_term: Any, name: str
) -> None:
    term, _ = open_term(box.id, name)
    term.send("cd /tmp\r")
    term.read_until(b"cd /tmp")
    assert control(api, box.id, name, action="close") == "closed"
    assert term.closed() == (1000, "the session was closed")
    with pytest.raises(NotFoundError, match="not found"):
        control(api, box.id, name, action="resize", cols=10, rows=10)
    fresh, view = open_term(box.id, name)
    assert (view.created, view.attached) == (True, False)
    fresh.send('echo "<$PWD>"\r')
    fresh.read_until(b"</")
    assert b"</tmp>" not in fresh.screen


def test_a_shell_that_exits_ends_its_session(
    api: RunloopAPI, box: DevboxView, open_term: Any, name: str
) -> None:
    term, _ = open_term(box.id, name)
    term.send("exit 3\r")
    assert term.closed() == (1000, "the shell exited with status 3")
    with pytest.raises(NotFoundError):
        control(api, box.id, name, action="signal", signal="SIGTERM")


def test_sessions_of_a_devbox_end_with_it(api: RunloopAPI, open_term: Any, name: str) -> None:
    view = api.devboxes.create_and_await_running(name="pty-short")
    term, _ = open_term(view.id, name)
    term.send("echo up-$((1+1))\r")
    term.read_until(b"up-2")
    api.devboxes.shutdown(view.id)
    code, reason = term.closed()
    assert code == 1000 and reason is not None and "exited" in reason
    with pytest.raises(BadRequestError, match="not running"):
        api.pty.connect(name, extra_query={"devbox_id": view.id})


def test_idle_sessions_end_after_the_ttl(
    api: RunloopAPI, engine: LocalEngine, box: DevboxView, open_term: Any, name: str
) -> None:
    pty = _pty_service(engine)
    before, pty.idle_ttl_seconds = pty.idle_ttl_seconds, 0.3
    try:
        term, _ = open_term(box.id, name)
        time.sleep(0.8)  # attached: not idle
        term.send("echo alive-$((1+1))\r")
        term.read_until(b"alive-2")
        term.close()
        deadline = time.monotonic() + TIMEOUT
        while (box.id, name) in pty.sessions:
            assert time.monotonic() < deadline, "the idle session was never closed"
            time.sleep(0.05)
    finally:
        pty.idle_ttl_seconds = before
    _, view = open_term(box.id, name)
    assert view.created


def _pty_service(engine: LocalEngine) -> Any:
    server = engine._server  # the app of the running server: its TTL is set for this test only
    assert server is not None
    app: Any = server.config.app
    return app.state.pty


def test_one_client_at_a_time(box: DevboxView, open_term: Any, engine: LocalEngine, name: str) -> None:
    term, view = open_term(box.id, name)
    with pytest.raises(InvalidStatus) as refused:
        Term(view.connect_url, engine.token)
    assert refused.value.response.status_code == 409
    term.send("echo still-$((1+1))\r")
    term.read_until(b"still-2")


def test_bad_requests_are_clear_4xx(api: RunloopAPI, box: DevboxView, engine: LocalEngine, name: str) -> None:
    def connect_(session: str = name, **query: Any) -> None:
        api.pty.connect(session, extra_query={"devbox_id": box.id, **query})

    with pytest.raises(NotFoundError, match="dbx_nope"):
        api.pty.connect(name, extra_query={"devbox_id": "dbx_nope"})
    with pytest.raises(BadRequestError, match="devbox_id"):
        api.pty.connect(name)
    with pytest.raises(BadRequestError, match="session_name"):
        connect_("bad.name")
    with pytest.raises(BadRequestError, match="session_name"):
        connect_("x" * 257)
    with pytest.raises(BadRequestError, match="cols"):
        connect_(cols=0, rows=10)
    with pytest.raises(BadRequestError, match="rows"):
        connect_(cols=10, rows=1001)
    with pytest.raises(NotFoundError, match="not found"):
        control(api, box.id, name, action="close")
    api.pty.connect(name, extra_query={"devbox_id": box.id})
    with pytest.raises(BadRequestError, match="signal"):
        control(api, box.id, name, action="signal", signal="SIGNOPE")
    with pytest.raises(BadRequestError, match="rows"):
        control(api, box.id, name, action="resize", cols=10)
    with pytest.raises(BadRequestError, match="action"):
        control(api, box.id, name)
    with pytest.raises(BadRequestError, match="action"):
        control(api, box.id, name, extra_body={"action": "reboot"})
    with pytest.raises(NotFoundError):
        control(api, "dbx_nope", name, action="close")
    base = engine.base_url.replace("http://", "ws://")
    for url, status in [
        (f"{base}/pty/nosuch?devbox_id={box.id}", 404),
        (f"{base}/pty/{name}?devbox_id=dbx_nope", 404),
        (f"{base}/pty/{name}", 400),
        (f"{base}/pty/bad.name?devbox_id={box.id}", 400),
        (f"{base}/elsewhere", 404),
    ]:
        with pytest.raises(InvalidStatus) as refused:
            Term(url, engine.token)
        assert refused.value.response.status_code == status, url
    assert control(api, box.id, name, action="close") == "closed"


def test_control_without_devbox_id_finds_a_unique_name(api: RunloopAPI, box: DevboxView, name: str) -> None:
    api.pty.connect(name, extra_query={"devbox_id": box.id})
    assert api.pty.control(name, action="resize", cols=50, rows=10).status == "running"
    other = api.devboxes.create_and_await_running(name="pty-other")
    try:
        api.pty.connect(name, extra_query={"devbox_id": other.id})
        with pytest.raises(BadRequestError, match="several devboxes"):
            api.pty.control(name, action="close")
        assert control(api, other.id, name, action="close") == "closed"
        assert api.pty.control(name, action="close").status == "closed"
    finally:
        api.devboxes.shutdown(other.id)


def test_the_token_is_required(box: DevboxView, engine: LocalEngine, name: str) -> None:
    with RunloopAPI(base_url=engine.base_url, bearer_token="wrong", max_retries=0) as wrong:
        with pytest.raises(AuthenticationError):
            wrong.pty.connect(name, extra_query={"devbox_id": box.id})
        with pytest.raises(AuthenticationError):
            wrong.pty.control(name, action="close")
    view = httpx.get(
        f"{engine.base_url}/pty/{name}",
        params={"devbox_id": box.id},
        headers={"authorization": f"Bearer {engine.token}"},
    ).json()
    for token in ("wrong", ""):
        with pytest.raises(InvalidStatus) as refused:
            Term(view["connect_url"], token)
        assert refused.value.response.status_code == 401
    with pytest.raises(InvalidStatus) as refused:
        connect(view["connect_url"], open_timeout=TIMEOUT, **WebsocketOptions.extra())  # no header at all
    assert refused.value.response.status_code == 401


def test_pty_rules() -> None:
    from runloop_local.http.errors import ApiError
    from runloop_local.pty.rules import check_name, initial_size, resize_size, signal_number, websocket_url

    assert check_name("a-Z_9") == "a-Z_9"
    for bad in ("", "a b", "é", "a/b", "x" * 257):
        with pytest.raises(ApiError):
            check_name(bad)
    assert initial_size(None, None) is None
    assert initial_size(100, None) is None  # applied only when both are given
    assert initial_size(1, 1000) == (1, 1000)
    with pytest.raises(ApiError, match="cols"):
        initial_size(0, None)
    assert resize_size(10, 20) == (10, 20)
    with pytest.raises(ApiError, match="cols"):
        resize_size(None, 5)
    assert signal_number("SIGINT") == signal_number("int") == signal_number("INTERRUPT") == 2
    assert signal_number("SIGTERM") == 15
    for bad_signal in [None, "", "SIGNOPE", "SIG_DFL", "9"]:
        with pytest.raises(ApiError, match="signal"):
            signal_number(bad_signal)
    assert websocket_url("http://h:1/pty/x", "dbx_1") == "ws://h:1/pty/x?devbox_id=dbx_1"
    assert websocket_url("https://h/pty/x", "a b") == "wss://h/pty/x?devbox_id=a+b"


class _NoTerminals(_SlowSandbox):
    """A sandbox of the base contract only: no ``open_pty``."""


class _FullSandbox(_SlowSandbox):
    """A sandbox whose terminals cannot start."""

    async def open_pty(
        self, *, cols: int, rows: int, on_output: OutputCallback, env: Mapping[str, str] | None = None
    ) -> PtyHandle:
        raise SandboxError("out of pseudo-terminals")


@pytest.mark.parametrize(("kind", "status"), [(_NoTerminals, 501), (_FullSandbox, 503)])
def test_sandboxes_that_cannot_open_terminals(kind: type[_SlowSandbox], status: int) -> None:
    async def start(spec: SandboxSpec) -> Sandbox:
        return kind(spec)

    with (
        LocalEngine(start_sandbox=start) as engine,
        RunloopAPI(base_url=engine.base_url, bearer_token=engine.token, max_retries=0) as api,
    ):
        view = api.devboxes.create_and_await_running()
        with pytest.raises(APIStatusError) as failed:
            api.pty.connect("main", extra_query={"devbox_id": view.id})
        assert failed.value.status_code == status
        assert "terminal" in str(failed.value)
