"""HTTP/2 end to end: the engine serves it beside HTTP/1.1 on one port; our clients use it on request.

The engine takes HTTP/2 with prior knowledge, by ``Upgrade: h2c`` and by ALPN over TLS
(``runloop_local.http.server``); ``http2=True`` in the raw client and the SDK multiplexes
hundreds of held requests over a few connections (``runloop_api._async.transport``).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import shutil
import socket
import subprocess
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import h2.config
import h2.connection
import h2.events
import httpx
import pytest

from runloop_api import AsyncRunloopAPI, RunloopAPI, RunloopError
from runloop_api.types import DevboxView
from runloop_local import LocalEngine
from runloop_local.cli import main as cli_main
from runloop_local.http.sniff import HEAD_LIMIT, HTTP2_PREFACE, classify
from runloop_sdk import PtySession, RunloopSDK

from .test_engine_fake_sandbox import _slow_start


class _Seen:
    """The connections and HTTP versions of a client's answers (from an httpx response hook)."""

    def __init__(self) -> None:
        self.connections: set[int] = set()
        self.versions: set[str] = set()
        self._held: list[object] = []  # loopback may reuse a closed connection's port: keep them
        self._lock = threading.Lock()

    def note(self, response: httpx.Response) -> None:
        stream = response.extensions["network_stream"]
        with self._lock:
            self._held.append(stream)
            self.connections.add(id(stream))
            self.versions.add(response.http_version)

    async def anote(self, response: httpx.Response) -> None:
        self.note(response)


# -- which HTTP a connection speaks (pure) --------------------------------------------------


def test_the_preface_is_http2_and_its_beginning_waits_for_more() -> None:
    assert classify(HTTP2_PREFACE + b"\x00\x00") == "h2"
    assert classify(HTTP2_PREFACE) == "h2"
    assert classify(HTTP2_PREFACE[:10]) is None
    assert classify(b"") is None


def test_a_request_head_is_http11_once_whole() -> None:
    assert classify(b"GET /v1/devboxes HTTP/1.1\r\nHost: x\r\n") is None
    assert classify(b"GET /v1/devboxes HTTP/1.1\r\nHost: x\r\n\r\n") == "http/1.1"
    assert classify(b"POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc") == "http/1.1"
    assert classify(b"PUT /x HTTP/1.1\r\n" + b"X-A: b\r\n" * (HEAD_LIMIT // 8)) == "http/1.1"


def test_upgrade_h2c_without_a_body_asks_for_http2() -> None:
    head = b"GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: H2C\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n"
    assert classify(head) == "h2c-upgrade"
    with_body = head.replace(b"Host: x", b"Host: x\r\nContent-Length: 0")
    assert classify(with_body) == "http/1.1"  # the server answers in HTTP/1.1 (RFC 9110 7.8)
    websocket = b"GET /pty/x HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"
    assert classify(websocket) == "http/1.1"


# -- the engine's three ways into HTTP/2 -----------------------------------------------------


def test_http2_with_prior_knowledge_and_http11_share_the_port(
    engine: LocalEngine, devbox: DevboxView
) -> None:
    auth = {"Authorization": f"Bearer {engine.token}"}
    url = f"{engine.base_url}/v1/devboxes/{devbox.id}/execute"
    body = {"command": "echo hi", "command_id": uuid.uuid4().hex}
    with httpx.Client(http1=False, http2=True) as h2c, httpx.Client() as h11:
        for client, version in ((h2c, "HTTP/2"), (h11, "HTTP/1.1")):
            answer = client.post(url, json={**body, "command_id": uuid.uuid4().hex}, headers=auth)
            assert (answer.status_code, answer.http_version) == (200, version)
            assert answer.json()["stdout"] == "hi\n"
        denied = h2c.get(f"{engine.base_url}/v1/devboxes")
        assert (denied.status_code, denied.http_version) == (401, "HTTP/2")


def _h2_client() -> h2.connection.H2Connection:
    return h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding=None))


def _answer(
    sock: socket.socket, client: h2.connection.H2Connection, stream_id: int, data: bytes = b""
) -> tuple[bytes, bytes]:
    """Reads until stream ``stream_id`` has ended (``data``: bytes already read); its status and body."""
    status, body, ended = b"", b"", False
    while not ended:
        for event in client.receive_data(data):
            if isinstance(event, h2.events.ResponseReceived) and event.stream_id == stream_id:
                status = dict(event.headers or [])[b":status"]
            elif isinstance(event, h2.events.DataReceived):
                body += event.data if event.stream_id == stream_id else b""
                client.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
            elif isinstance(event, h2.events.StreamEnded) and event.stream_id == stream_id:
                ended = True
        sock.sendall(client.data_to_send())
        if not ended:
            data = sock.recv(65536)
            assert data, "the engine closed the connection before answering"
    return status, body


def test_an_http11_request_asking_upgrade_h2c_is_answered_over_http2(engine: LocalEngine) -> None:
    client = _h2_client()
    settings = client.initiate_upgrade_connection()
    assert settings is not None
    port = int(engine.base_url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(
            b"GET /v1/devboxes?limit=1 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: " + settings + b"\r\n"
            b"Authorization: Bearer " + engine.token.encode() + b"\r\n\r\n"
        )
        received = b""
        while b"\r\n\r\n" not in received:
            received += sock.recv(65536)
        head, _, rest = received.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 101"), head
        assert b"upgrade: h2c" in head.lower()
        sock.sendall(client.data_to_send())  # the preface: the client's half of the switch
        status, body = _answer(sock, client, 1, rest)
    assert status == b"200"
    assert "devboxes" in json.loads(body)


def test_request_data_after_the_answer_leaves_the_connection_working(engine: LocalEngine) -> None:
    # Node's client ends a body with a frame of its own; the engine may answer before it (here a
    # 401 that reads no body). Hypercorn 0.18 alone dropped the connection then (hypercorn_guard).
    client = _h2_client()
    client.initiate_connection()
    port = int(engine.base_url.rsplit(":", 1)[1])
    authority = f"127.0.0.1:{port}".encode()
    base = [(b":scheme", b"http"), (b":authority", authority)]
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        client.send_headers(1, [(b":method", b"POST"), (b":path", b"/v1/devboxes"), *base])
        client.send_data(1, b'{"name": ')
        sock.sendall(client.data_to_send())
        assert _answer(sock, client, 1)[0] == b"401"
        client.send_data(1, b'"late"}', end_stream=True)  # after the answer
        auth = (b"authorization", b"Bearer " + engine.token.encode())
        client.send_headers(
            3, [(b":method", b"GET"), (b":path", b"/v1/devboxes?limit=1"), *base, auth], end_stream=True
        )
        sock.sendall(client.data_to_send())
        status, body = _answer(sock, client, 3)
    assert status == b"200"
    assert "devboxes" in json.loads(body)


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed: no certificate to serve TLS with")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"),
            *("-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=localhost"),
            *("-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def test_over_tls_alpn_chooses_http2_or_http11(
    tls_files: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cert, key = tls_files
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # what httpx trusts, and so our clients
    with LocalEngine(tmp_path / "data", start_sandbox=_slow_start, tls_cert=cert, tls_key=key) as engine:
        assert engine.base_url.startswith("https://127.0.0.1:")
        for http2, version in ((True, "HTTP/2"), (False, "HTTP/1.1")):
            seen = _Seen()
            with RunloopAPI(base_url=engine.base_url, bearer_token=engine.token, http2=http2) as api:
                api.http_client.event_hooks = {"request": [], "response": [seen.note]}
                box = api.devboxes.create(name=f"tls-{version}")
                assert api.devboxes.retrieve(box.id).id == box.id
            assert seen.versions == {version}


def test_serve_refuses_tls_files_it_cannot_use(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["serve", "--data-dir", str(tmp_path), "--tls-key", str(tmp_path / "k.pem")]) == 2
    assert "--tls-key needs --tls-cert" in capsys.readouterr().err
    missing = tmp_path / "missing.pem"
    assert cli_main(["serve", "--data-dir", str(tmp_path), "--tls-cert", str(missing)]) == 2
    assert f"--tls-cert {missing}: no such file" in capsys.readouterr().err


def test_http2_is_refused_with_an_own_httpx_client() -> None:
    with httpx.Client() as own, pytest.raises(RunloopError, match="http2=True"):
        RunloopAPI(base_url="http://127.0.0.1:1", bearer_token="t", http_client=own, http2=True)


# -- our clients over HTTP/2 -----------------------------------------------------------------

LONG_POLLS = 500
STREAMS = 100
LINES = 200


@pytest.fixture
def h2_devbox(engine: LocalEngine) -> Iterator[DevboxView]:
    with RunloopAPI(base_url=engine.base_url, bearer_token=engine.token) as api:
        view = api.devboxes.create_and_await_running(name="h2")
        yield view
        if api.devboxes.retrieve(view.id).status != "shutdown":
            api.devboxes.shutdown(view.id)


@pytest.mark.bwrap
def test_500_long_polls_and_100_output_streams_share_a_few_connections(
    engine: LocalEngine, h2_devbox: DevboxView
) -> None:
    seen = _Seen()
    script = f"for i in $(seq 1 {LINES}); do echo line-$i; done"

    async def run() -> tuple[list[str], list[list[str]]]:
        async with AsyncRunloopAPI(base_url=engine.base_url, bearer_token=engine.token, http2=True) as api:
            api.http_client.event_hooks = {"request": [], "response": [seen.anote]}

            async def stream(execution_id: str) -> list[str]:
                text = ""
                events = api.devboxes.executions.stream_stdout_updates(execution_id, devbox_id=h2_devbox.id)
                async for chunk in events:
                    text += chunk.output
                return text.splitlines()

            started = await asyncio.gather(
                *(api.devboxes.execute_async(h2_devbox.id, command=script) for _ in range(STREAMS))
            )
            outputs = await asyncio.gather(*(stream(e.execution_id) for e in started))
            waits = [
                asyncio.ensure_future(
                    api.devboxes.wait_for_status(h2_devbox.id, statuses=["shutdown"], timeout_seconds=30)
                )
                for _ in range(LONG_POLLS)
            ]
            await asyncio.sleep(1.0)  # most are held by now; the rest are answered at once
            await api.devboxes.shutdown(h2_devbox.id)
            views = await asyncio.gather(*waits)
            return [v.status for v in views], outputs

    statuses, outputs = asyncio.run(run())
    assert statuses == ["shutdown"] * LONG_POLLS
    expected = [f"line-{i}" for i in range(1, LINES + 1)]
    assert all(lines == expected for lines in outputs)
    assert seen.versions == {"HTTP/2"}
    # 100 requests at most per connection: 500 held long-polls need 5 (HTTP/1.1: one each).
    assert len(seen.connections) <= 6, f"{len(seen.connections)} connections"


@pytest.mark.bwrap
def test_the_sdk_over_http2_execs_streams_moves_files_and_opens_a_terminal(
    engine: LocalEngine, tmp_path: Path
) -> None:
    seen = _Seen()
    payload = (bytes(range(256)) * 4096 * 24)[: 24 * 1024 * 1024 + 7]  # 24 MiB and a few bytes
    source = tmp_path / "big.bin"
    source.write_bytes(payload)
    with RunloopSDK(base_url=engine.base_url, bearer_token=engine.token, http2=True) as sdk:
        sdk.api.http_client.event_hooks = {"request": [], "response": [seen.note]}
        with sdk.devbox.create(name="sdk-h2") as devbox:
            lines: list[str] = []
            result = devbox.cmd.exec("seq 1 2000", stdout=lines.append)
            assert (result.exit_code, lines) == (0, [str(i) for i in range(1, 2001)])
            devbox.file.write("/home/user/note.txt", "über\n")
            assert devbox.file.read("/home/user/note.txt") == "über\n"
            devbox.file.upload("/home/user/big.bin", source)
            assert devbox.cmd.exec("sha256sum /home/user/big.bin").stdout().split()[0] == _sha256(payload)
            back = devbox.file.download("/home/user/big.bin", tmp_path / "back.bin")
            assert back.read_bytes() == payload
            # The terminal's websocket is HTTP/1.1 on the same port, beside the HTTP/2 connection.
            with devbox.pty.connect("h2-term") as term:
                term.send("echo $((6 * 7))\n")
                assert "42" in _read_until(term, "42\r\n")
    assert seen.versions == {"HTTP/2"}
    assert len(seen.connections) == 1


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_until(term: PtySession, needle: str) -> str:
    text = ""
    while needle not in text:
        text += term.receive().decode(errors="replace")
    return text
