"""Tunnels end to end: servers started inside a devbox, reached from this machine through the
tunnel with plain httpx and the websockets client."""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect as ws_connect

from runloop_api import BadRequestError, RunloopAPI
from runloop_local import LocalEngine
from runloop_sdk import Devbox, RunloopSDK

SERVER = (Path(__file__).parent / "_tunnel_server.py").read_text()
PATTERN = bytes(range(256)) * 256


@pytest.fixture(scope="module")
def sdk(engine: LocalEngine) -> Iterator[RunloopSDK]:
    with RunloopSDK(base_url=engine.base_url, bearer_token=engine.token, max_retries=0) as client:
        yield client


def free_port() -> int:
    """A port nothing listens on now (devboxes share the host's network here)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(devbox: Devbox) -> tuple[int, str]:
    """Starts the test server in ``devbox``; its port and its tunnel URL, once it answers."""
    port = free_port()
    devbox.file.write("server.py", SERVER)
    devbox.cmd.exec_async(f"exec python3 ~/server.py {port}")
    url = devbox.net.tunnel_url(port)
    assert url is not None and url.startswith("http://127.0.0.1:")
    deadline = time.monotonic() + 20
    while True:  # the tunnel answers 502 until the server listens
        status = httpx.get(url + "/headers", headers=_auth(devbox)).status_code
        if status != 502 or time.monotonic() > deadline:
            assert status == 200
            return port, url
        time.sleep(0.05)


def _auth(devbox: Devbox) -> dict[str, str]:
    tunnel = devbox.get_tunnel()
    token = tunnel.auth_token if tunnel is not None else None
    return {"X-Runloop-Tunnel-Authorization": f"Bearer {token}"} if token else {}


def test_http_and_websocket_through_an_open_tunnel(sdk: RunloopSDK) -> None:
    with sdk.devbox.create(name="tunnel-open", tunnel={"auth_mode": "open"}) as devbox:
        view = devbox.get_info().tunnel
        assert view is not None and view.auth_mode == "open" and view.auth_token is None
        assert (view.http_keep_alive, view.wake_on_http) == (True, False)
        port, url = serve(devbox)
        assert devbox.get_tunnel_url(port) == url  # the same port keeps its URL

        with httpx.Client(base_url=url) as client:  # one kept-alive connection, several requests
            seen = client.get("/headers").json()
            assert seen["host"] == url.removeprefix("http://")  # the Host the client used
            assert seen["x-forwarded-for"] == "127.0.0.1"
            assert client.get("/chunked").text == "one two three"
            assert client.get("/links").text == f'<a href="{url}/headers">headers</a>'
            assert client.get("/nowhere").status_code == 404
            upload = bytes(range(256)) * 4096  # 1 MiB, sent chunked from a generator
            chunks = (upload[i : i + 65536] for i in range(0, len(upload), 65536))
            answer = client.post("/digest", content=chunks).json()
            assert answer == {"length": len(upload), "sha256": hashlib.sha256(upload).hexdigest()}
            assert client.post("/digest", content=b"abc").json()["length"] == 3

        with ws_connect(url.replace("http://", "ws://") + "/ws") as ws:
            ws.send("hello through the tunnel")
            assert ws.recv(timeout=10) == "hello through the tunnel"
            ws.send(b"\x00\x01" * 40000)  # binary, larger than one read
            assert ws.recv(timeout=10) == b"\x00\x01" * 40000

        # A port where nothing listens answers 502, naming it.
        empty = devbox.net.tunnel_url(free_port())
        assert empty is not None
        refused = httpx.get(empty)
        assert refused.status_code == 502 and "nothing answers on port" in refused.text


def test_an_authenticated_tunnel_wants_its_token(sdk: RunloopSDK) -> None:
    with sdk.devbox.create(name="tunnel-auth") as devbox:
        tunnel = devbox.net.enable_tunnel(auth_mode="authenticated")
        assert tunnel.auth_mode == "authenticated" and tunnel.auth_token
        token = tunnel.auth_token
        with pytest.raises(BadRequestError, match="already has a tunnel"):
            devbox.net.enable_tunnel()
        _, url = serve(devbox)

        missing = httpx.get(url + "/headers")
        assert missing.status_code == 401 and "X-Runloop-Tunnel-Authorization" in missing.text
        wrong = httpx.get(url + "/headers", headers={"X-Runloop-Tunnel-Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        ok = httpx.get(url + "/headers", headers={"X-Runloop-Tunnel-Authorization": f"Bearer {token}"})
        assert ok.status_code == 200
        assert "x-runloop-tunnel-authorization" not in ok.json()  # the token stays with the tunnel
        # The official examples send it as Authorization, also taken (and not passed on).
        plain = httpx.get(url + "/headers", headers={"Authorization": f"Bearer {token}"})
        assert plain.status_code == 200 and "authorization" not in plain.json()
        # An application's own Authorization goes through.
        app_auth = httpx.get(
            url + "/headers",
            headers={"X-Runloop-Tunnel-Authorization": f"Bearer {token}", "Authorization": "Basic YTpi"},
        )
        assert app_auth.json()["authorization"] == "Basic YTpi"

        ws_url = url.replace("http://", "ws://") + "/ws"
        with pytest.raises(InvalidStatus) as denied:
            ws_connect(ws_url, open_timeout=10)
        assert denied.value.response.status_code == 401
        with ws_connect(
            ws_url, additional_headers={"X-Runloop-Tunnel-Authorization": f"Bearer {token}"}
        ) as ws:
            ws.send("authorized")
            assert ws.recv(timeout=10) == "authorized"


def test_remove_tunnel_closes_its_ports(sdk: RunloopSDK) -> None:
    with sdk.devbox.create(name="tunnel-remove", tunnel={}) as devbox:
        _, url = serve(devbox)
        with httpx.Client(base_url=url) as kept:
            assert kept.get("/headers").status_code == 200
            with ws_connect(url.replace("http://", "ws://") + "/ws") as ws:
                devbox.net.remove_tunnel()
                with pytest.raises(ConnectionClosed):  # the open websocket is closed too
                    ws.send("x")
                    ws.recv(timeout=10)
            with pytest.raises(httpx.TransportError):
                kept.get("/headers")
        assert devbox.get_tunnel() is None
        assert devbox.net.tunnel_url(8080) is None
        with pytest.raises(httpx.ConnectError):
            httpx.get(url + "/headers")
        devbox.net.remove_tunnel()  # nothing to remove: still fine


def test_a_large_response_streams_at_speed(sdk: RunloopSDK) -> None:
    size = 64 * 1024 * 1024
    with sdk.devbox.create(name="tunnel-big", tunnel={}) as devbox:
        _, url = serve(devbox)
        received = 0
        first = b""
        started = time.perf_counter()
        with httpx.stream("GET", f"{url}/big?n={size}") as response:
            assert response.headers["content-length"] == str(size)
            for chunk in response.iter_raw():
                if not first:
                    first = chunk[:65536]
                received += len(chunk)
        seconds = time.perf_counter() - started
        assert received == size
        assert PATTERN.startswith(first)
        assert size / seconds > 20e6, f"{size / seconds / 1e6:.0f} MB/s through the tunnel"


def test_ports_close_on_suspend_and_return_on_resume(sdk: RunloopSDK) -> None:
    with sdk.devbox.create(name="tunnel-suspend", tunnel={}) as devbox:
        port, url = serve(devbox)
        devbox.suspend()
        with pytest.raises(httpx.ConnectError):
            httpx.get(url + "/headers")
        devbox.resume()
        # The same URL listens again; the server did not survive the suspend, so: 502.
        assert devbox.net.tunnel_url(port) == url
        assert httpx.get(url + "/headers").status_code == 502


def test_wake_on_http_resumes_a_suspended_devbox(sdk: RunloopSDK) -> None:
    with sdk.devbox.create(name="tunnel-wake", tunnel={"wake_on_http": True}) as devbox:
        port = free_port()
        url = devbox.net.tunnel_url(port)
        assert url is not None
        devbox.suspend()
        assert devbox.get_info().status == "suspended"
        answer = httpx.get(url, timeout=60)  # wakes it; nothing listens on the port afterwards
        assert answer.status_code == 502
        assert devbox.get_info().status == "running"


def test_tunnel_records_survive_a_restart(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with LocalEngine(data) as first, RunloopSDK(base_url=first.base_url, bearer_token=first.token) as sdk:
        devbox = sdk.devbox.create(name="tunnel-restart", tunnel={"auth_mode": "authenticated"})
        before = devbox.get_tunnel()
        port, url = serve(devbox)
        token = first.token
    with (
        LocalEngine(data, token=token) as second,
        RunloopSDK(base_url=second.base_url, bearer_token=token) as sdk,
    ):
        devbox = sdk.devbox.from_id(devbox.id)
        assert devbox.get_info().status == "suspended"
        after = devbox.get_tunnel()
        assert after is not None and before is not None
        assert (after.tunnel_key, after.auth_token) == (before.tunnel_key, before.auth_token)
        with pytest.raises(httpx.ConnectError):
            httpx.get(url)
        devbox.resume()
        devbox.await_running()
        assert devbox.net.tunnel_url(port) == url  # bound again where it was
        assert httpx.get(url + "/headers", headers=_auth(devbox)).status_code == 502  # server gone
        devbox.shutdown()
        with pytest.raises(httpx.ConnectError):
            httpx.get(url)


def test_open_tunnel_port_checks_its_input(api: RunloopAPI, engine: LocalEngine) -> None:
    view = api.devboxes.create_and_await_running(name="tunnel-input")
    try:
        headers = {"Authorization": f"Bearer {engine.token}"}
        post = f"{engine.base_url}/v1/devboxes/{view.id}/open_tunnel_port"
        no_tunnel = httpx.post(post, json={"port": 8080}, headers=headers)
        assert no_tunnel.status_code == 400 and "enable_tunnel first" in no_tunnel.text
        api.devboxes.enable_tunnel(view.id)
        assert httpx.post(post, json={"port": 0}, headers=headers).status_code == 400
        assert httpx.post(post, json={"port": "80"}, headers=headers).status_code == 400
        assert httpx.post(post, json={"port": 80}).status_code == 401  # the engine's token, as everywhere
        assert httpx.post(post, json={"port": 80}, headers=headers).json()["port_urls"]["80"]
    finally:
        api.devboxes.shutdown(view.id)
    with pytest.raises(BadRequestError, match="not running"):
        api.devboxes.enable_tunnel(view.id)


def connections_to(port: int) -> int:
    """Open TCP connections to 127.0.0.1:``port`` on this machine (the tunnel's into the devbox)."""
    count = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[2].split(":")[1], 16) == port and fields[3] == "01":  # ESTABLISHED
            count += 1
    return count


def test_a_client_gone_mid_body_frees_the_connection(sdk: RunloopSDK) -> None:
    with sdk.devbox.create(name="tunnel-cut", tunnel={}) as devbox:
        port, url = serve(devbox)
        host, tunnel_port = url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(tunnel_port))) as cut:
            cut.sendall(b"POST /digest HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n" + b"a" * 1000)
            deadline = time.monotonic() + 10
            while connections_to(port) == 0:  # the request reached the server, which waits for the rest
                assert time.monotonic() < deadline
                time.sleep(0.02)
        # The client is gone: the tunnel closes its connection into the devbox.
        deadline = time.monotonic() + 10
        while connections_to(port) > 0:
            assert time.monotonic() < deadline, "the connection into the devbox stayed open"
            time.sleep(0.02)
        assert httpx.post(url + "/digest", content=b"x" * 10).json()["length"] == 10


@pytest.mark.skipif(
    os.geteuid() != 0 or not all(shutil.which(t) for t in ("unshare", "nsenter", "setpriv")),
    reason="network namespaces need root and util-linux (unshare, nsenter, setpriv)",
)
def test_a_tunnel_reaches_a_devbox_in_its_own_network_namespace(sdk: RunloopSDK) -> None:
    # Deny-all: the devbox has a namespace of its own, so its server is on no host port at all.
    policy = sdk.network_policy.create(name=f"tunnel-deny-{uuid.uuid4().hex[:8]}")
    with sdk.devbox.create(
        name="tunnel-netns", tunnel={"auth_mode": "open"}, launch_parameters={"network_policy_id": policy.id}
    ) as devbox:
        port, url = serve(devbox)
        with pytest.raises(httpx.ConnectError):  # not on the host's loopback
            httpx.get(f"http://127.0.0.1:{port}/headers")
        assert httpx.get(url + "/chunked").text == "one two three"
