"""The PTY tunnel's decisions: its record, which targets it relays, what the engine is sent."""

from __future__ import annotations

import pytest

from runloop_local.tunnels.pty_rules import new_pty_tunnel, pty_target, to_engine_headers
from runloop_local.tunnels.rules import Refusal, authorize

TUNNEL = new_pty_tunnel(key="k", token="tok")


def test_a_new_pty_tunnel_is_authenticated_with_fresh_random_secrets() -> None:
    assert TUNNEL == {"auth_mode": "authenticated", "tunnel_key": "k", "auth_token": "tok"}
    one, two = new_pty_tunnel(), new_pty_tunnel()
    assert one["auth_token"] != two["auth_token"] and one["tunnel_key"] != two["tunnel_key"]
    assert len(one["auth_token"]) >= 40
    assert not authorize(TUNNEL, []) and authorize(TUNNEL, [(b"Authorization", b"Bearer tok")])


@pytest.mark.parametrize(
    ("target", "relayed"),
    [
        (b"/pty/main", b"/pty/main?devbox_id=dbx_a"),
        (b"/pty/main?cols=100&rows=30", b"/pty/main?cols=100&rows=30&devbox_id=dbx_a"),
        (b"/pty/s_1-x/control?devbox_id=dbx_a", b"/pty/s_1-x/control?devbox_id=dbx_a"),
    ],
)
def test_terminal_targets_pass_pinned_to_the_tunnels_devbox(target: bytes, relayed: bytes) -> None:
    assert pty_target(target, "dbx_a") == relayed


@pytest.mark.parametrize(
    "target",
    [
        b"/",
        b"/v1/devboxes",
        b"/pty/",
        b"/pty/a/b",
        b"/pty/a/control/x",
        b"/pty/a%2F..%2Fv1",
        b"/pty/../v1/devboxes",
        b"http://127.0.0.1:1/pty/a",
        b"/pty/\xc3\xa9",
        b"/_local/objects/obj_1/download",
    ],
)
def test_every_other_path_is_not_found(target: bytes) -> None:
    with pytest.raises(Refusal) as refused:
        pty_target(target, "dbx_a")
    assert refused.value.status == 404


def test_another_devbox_is_refused_even_beside_its_own() -> None:
    for query in (b"devbox_id=dbx_b", b"devbox_id=dbx_a&devbox_id=dbx_b", b"devbox_id="):
        with pytest.raises(Refusal) as refused:
            pty_target(b"/pty/main?" + query, "dbx_a")
        assert refused.value.status == 403


def test_the_engine_gets_its_own_token_and_no_other_credential() -> None:
    headers = [
        (b"Host", b"127.0.0.1:5000"),
        (b"Authorization", b"Bearer tok"),
        (b"authorization", b"Bearer something-else"),
        (b"X-Runloop-Tunnel-Authorization", b"Bearer tok"),
        (b"Connection", b"Upgrade"),
        (b"Upgrade", b"websocket"),
    ]
    sent = to_engine_headers(TUNNEL, headers, "10.0.0.9", "engine-secret")
    auth = [v for n, v in sent if n.lower() in (b"authorization", b"x-runloop-tunnel-authorization")]
    assert auth == [b"Bearer engine-secret"]
    assert (b"Host", b"127.0.0.1:5000") in sent  # the connect_url the engine builds names the tunnel
    assert (b"upgrade", b"websocket") in sent and (b"x-forwarded-for", b"10.0.0.9") in sent
