"""The tunnel's decisions: new tunnels, who may pass, which headers reach the devbox and the client."""

from __future__ import annotations

import pytest

from runloop_api.types import TunnelConfig
from runloop_local.http.errors import ApiError
from runloop_local.tunnels.rules import (
    authorize,
    check_port,
    forwarded_headers,
    new_tunnel,
    response_headers,
    serving,
    url_host,
)

OPEN = new_tunnel(None, now_ms=5, key="k", token="t")
AUTH = new_tunnel(TunnelConfig(auth_mode="authenticated"), now_ms=5, key="k", token="secret")


def test_a_new_tunnel_has_the_services_defaults() -> None:
    assert OPEN == {
        "tunnel_key": "k",
        "auth_mode": "open",
        "create_time_ms": 5,
        "http_keep_alive": True,
        "wake_on_http": False,
        "port_urls": {},
    }
    assert AUTH["auth_token"] == "secret"
    made = new_tunnel(TunnelConfig(http_keep_alive=False, wake_on_http=True), now_ms=1)
    assert (made["http_keep_alive"], made["wake_on_http"]) == (False, True)
    assert len(made["tunnel_key"]) == 32 and made["tunnel_key"] != new_tunnel(None, now_ms=1)["tunnel_key"]
    assert len(new_tunnel(TunnelConfig(auth_mode="authenticated"), now_ms=1)["auth_token"]) >= 40


def test_an_authenticated_tunnel_wants_its_bearer_token() -> None:
    assert authorize(OPEN, [])
    assert not authorize(AUTH, [])
    assert authorize(AUTH, [(b"X-Runloop-Tunnel-Authorization", b"Bearer secret")])
    assert authorize(AUTH, [(b"authorization", b"bearer  secret ")])
    assert not authorize(AUTH, [(b"x-runloop-tunnel-authorization", b"Bearer secre")])
    assert not authorize(AUTH, [(b"x-runloop-tunnel-authorization", b"secret")])  # no scheme
    assert not authorize(AUTH, [(b"authorization", b"Basic secret")])
    assert not authorize({"auth_mode": "authenticated"}, [(b"authorization", b"Bearer ")])


def test_forwarded_headers_keep_the_host_and_drop_the_connection_and_the_token() -> None:
    sent = [
        (b"Host", b"127.0.0.1:4000"),
        (b"Connection", b"keep-alive, X-Private"),
        (b"Keep-Alive", b"timeout=5"),
        (b"X-Private", b"hop"),
        (b"X-Runloop-Tunnel-Authorization", b"Bearer secret"),
        (b"Authorization", b"Bearer secret"),
        (b"Content-Length", b"3"),
        (b"X-Forwarded-For", b"10.0.0.1"),
    ]
    assert forwarded_headers(AUTH, sent, "127.0.0.1") == [
        (b"Host", b"127.0.0.1:4000"),
        (b"Content-Length", b"3"),
        (b"x-forwarded-for", b"10.0.0.1, 127.0.0.1"),
        (b"x-forwarded-proto", b"http"),
    ]
    # Another credential is the application's.
    assert (b"Authorization", b"Bearer other") in forwarded_headers(
        AUTH, [(b"Authorization", b"Bearer other")], "h"
    )


def test_an_upgrade_keeps_its_connection_and_upgrade_headers() -> None:
    sent = [(b"Connection", b"Upgrade"), (b"Upgrade", b"websocket"), (b"Sec-WebSocket-Key", b"abc")]
    got = forwarded_headers(OPEN, sent, "::1")
    assert (b"connection", b"upgrade") in got and (b"upgrade", b"websocket") in got
    assert (b"Sec-WebSocket-Key", b"abc") in got
    # Upgrade without Connection: upgrade is not a request to switch.
    assert all(n != b"upgrade" for n, _ in forwarded_headers(OPEN, [(b"Upgrade", b"websocket")], "h"))


def test_response_headers_drop_hop_by_hop_but_for_a_switch() -> None:
    answer = [(b"Connection", b"Upgrade"), (b"Upgrade", b"websocket"), (b"Content-Type", b"text/plain")]
    assert response_headers(answer, switching=False) == [(b"Content-Type", b"text/plain")]
    assert response_headers(answer, switching=True) == answer


def test_ports_listen_while_the_devbox_runs_or_can_be_woken() -> None:
    assert serving("running", OPEN)
    assert not serving("running", None)
    assert not serving("suspended", OPEN)
    woken = {**OPEN, "wake_on_http": True}
    assert serving("suspended", woken) and serving("resuming", woken)
    assert not serving("shutdown", woken) and not serving("failure", woken)


def test_ports_and_hosts() -> None:
    assert check_port(1) == 1 and check_port(65535) == 65535
    for bad in (0, -1, 65536):
        with pytest.raises(ApiError, match="not a TCP port"):
            check_port(bad)
    assert url_host("0.0.0.0") == "127.0.0.1"
    assert url_host("::") == "[::1]"
    assert url_host("::1") == "[::1]"
    assert url_host("192.168.1.5") == "192.168.1.5"
