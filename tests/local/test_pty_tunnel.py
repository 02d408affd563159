"""PTY tunnels end to end: a devbox's terminal reached through its tunnel's host port with the
tunnel's token alone (httpx and the websockets client), and nothing else reached through it."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from websockets.exceptions import InvalidStatus

from runloop_api import BadRequestError, NotFoundError, RunloopAPI
from runloop_api.types import PtyTunnelView
from runloop_local import LocalEngine
from runloop_sdk import Devbox, RunloopSDK

from .test_pty import Term


@pytest.fixture(scope="module")
def sdk(engine: LocalEngine) -> Iterator[RunloopSDK]:
    with RunloopSDK(base_url=engine.base_url, bearer_token=engine.token, max_retries=0) as client:
        yield client


def _url(view: PtyTunnelView) -> str:
    url = (view.model_extra or {})["url"]
    assert isinstance(url, str) and url.startswith("http://127.0.0.1:")
    return url


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _listens(url: str) -> bool:
    parts = urlsplit(url)
    with socket.socket() as sock:
        return sock.connect_ex((parts.hostname or "", parts.port or 0)) == 0


def _closes(url: str) -> bool:
    """Whether nothing listens at ``url`` within 5 s (the port closes as the status changes)."""
    deadline = time.monotonic() + 5
    while _listens(url):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_terminal_through_a_pty_tunnel_with_its_token(sdk: RunloopSDK, engine: LocalEngine) -> None:
    with sdk.devbox.create(name="pty-tunnel") as devbox:
        view = devbox.net.create_pty_tunnel()
        url = _url(view)
        assert view.auth_token and view.tunnel_key and view.auth_token != engine.token

        answer = httpx.get(f"{url}/pty/main", headers=_bearer(view.auth_token))
        assert answer.status_code == 200, answer.text
        assert engine.token not in answer.text and engine.token not in str(answer.headers)
        connect_url = answer.json()["connect_url"]
        # The devbox_id is the tunnel's own, added when the client sends none.
        assert connect_url == f"ws://{url.removeprefix('http://')}/pty/main?devbox_id={devbox.id}"

        term = Term(connect_url, view.auth_token)  # through the tunnel, the tunnel's token only
        try:
            term.send("echo hi$((6*7))\n")
            term.read_until(b"hi42")
            control = httpx.post(
                f"{url}/pty/main/control", json={"action": "close"}, headers=_bearer(view.auth_token)
            )
            assert control.status_code == 200 and control.json()["status"] == "closed"
            assert term.closed()[0] == 1000
        finally:
            term.close()


def test_a_pty_tunnel_takes_its_own_token_and_serves_its_devbox_only(
    sdk: RunloopSDK, engine: LocalEngine
) -> None:
    with sdk.devbox.create(name="pty-tunnel-a") as a, sdk.devbox.create(name="pty-tunnel-b") as b:
        tunnel, other = a.net.create_pty_tunnel(), b.net.create_pty_tunnel()
        url, token = _url(tunnel), tunnel.auth_token
        assert url != _url(other)  # every tunnel has a port of its own

        for headers in (
            {},
            _bearer("wrong"),
            _bearer(engine.token),  # the engine's token is no substitute
            _bearer(other.auth_token),  # nor another tunnel's
            {"Authorization": f"Basic {token}"},
        ):
            refused = httpx.get(f"{url}/pty/main", headers=headers)
            assert refused.status_code == 401, headers
            assert refused.headers["www-authenticate"].startswith("Bearer")
        with pytest.raises(InvalidStatus) as no_token:
            Term(f"ws://{url.removeprefix('http://')}/pty/main", "wrong")
        assert no_token.value.response.status_code == 401
        # The tunnel's token opens nothing at the engine itself.
        assert httpx.get(f"{engine.base_url}/v1/devboxes", headers=_bearer(token)).status_code == 401

        # The tunnel's own header works as on every tunnel.
        assert (
            httpx.get(
                f"{url}/pty/s1", headers={"X-Runloop-Tunnel-Authorization": f"Bearer {token}"}
            ).status_code
            == 200
        )
        # Nothing but the terminal API, and nothing of another devbox.
        for path in (
            "/v1/devboxes",
            f"/v1/devboxes/{a.id}",
            "/pty/",
            "/pty/a%2F..%2F..%2Fv1%2Fdevboxes",
            "/",
        ):
            assert httpx.get(url + path, headers=_bearer(token)).status_code == 404, path
        assert httpx.get(f"{url}/pty/s1?devbox_id={b.id}", headers=_bearer(token)).status_code == 403
        assert (
            httpx.post(
                f"{url}/pty/s1/control?devbox_id={b.id}", json={"action": "close"}, headers=_bearer(token)
            ).status_code
            == 403
        )
        with pytest.raises(InvalidStatus) as elsewhere:
            Term(f"ws://{url.removeprefix('http://')}/pty/s1?devbox_id={b.id}", token)
        assert elsewhere.value.response.status_code == 403
        # A session of the same name in the other devbox is not found through this tunnel.
        assert httpx.get(f"{_url(other)}/pty/only-b", headers=_bearer(other.auth_token)).status_code == 200
        missing = httpx.post(f"{url}/pty/only-b/control", json={"action": "close"}, headers=_bearer(token))
        assert missing.status_code == 404


def test_a_pty_tunnel_closes_when_its_devbox_stops(sdk: RunloopSDK, engine: LocalEngine) -> None:
    with RunloopAPI(base_url=engine.base_url, bearer_token=engine.token, max_retries=0) as api:
        with pytest.raises(NotFoundError):
            api.devboxes.create_pty_tunnel("dbx_nosuchdevbox")
        devbox: Devbox = sdk.devbox.create(name="pty-tunnel-life")
        try:
            suspended_url = _url(devbox.net.create_pty_tunnel())
            devbox.suspend()
            devbox.await_suspended()
            assert _closes(suspended_url)
            with pytest.raises(BadRequestError, match="not running"):
                api.devboxes.create_pty_tunnel(devbox.id)
            devbox.resume()
            devbox.await_running()
            assert not _listens(suspended_url)  # ephemeral: not opened again on resume
            url = _url(devbox.net.create_pty_tunnel())
            assert _listens(url)
        finally:
            devbox.shutdown()
        assert _closes(url)
