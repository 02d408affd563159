"""Unit tests of the HTTP plumbing: auth, the route table, validation messages, wait bodies."""

from __future__ import annotations

from typing import Literal

import pytest
from pydantic import BaseModel, ValidationError

from runloop_local.http.auth import token_matches
from runloop_local.http.errors import ApiError, validation_message
from runloop_local.http.requests import wait_request
from runloop_local.http.routing import MethodNotAllowed, RouteTable, route_order


def test_token_matches() -> None:
    assert token_matches(b"Bearer abc", "abc")
    assert token_matches(b"bearer abc", "abc")
    assert not token_matches(b"Bearer abd", "abc")
    assert not token_matches(b"Bearer", "abc")
    assert not token_matches(b"Basic abc", "abc")
    assert not token_matches(None, "abc")


def test_route_order_puts_literals_first() -> None:
    paths = [
        "/v1/devboxes/{id}",
        "/v1/devboxes/disk_snapshots",
        "/v1/devboxes/{id}/logs",
        "/v1/devboxes/disk_snapshots/{id}",
    ]
    ordered = sorted(paths, key=route_order)
    assert ordered.index("/v1/devboxes/disk_snapshots") < ordered.index("/v1/devboxes/{id}")
    assert ordered.index("/v1/devboxes/disk_snapshots/{id}") < ordered.index("/v1/devboxes/{id}/logs")


def test_validation_message_names_fields() -> None:
    class Inner(BaseModel):
        n: int

    class Outer(BaseModel):
        inner: Inner
        name: str

    with pytest.raises(ValidationError) as info:
        Outer.model_validate({"inner": {"n": "x"}})
    message = validation_message(info.value)
    assert "field `inner.n`" in message
    assert "field `name`" in message


def test_route_table_matches_like_the_spec() -> None:
    table: RouteTable[str] = RouteTable(
        [
            ("GET", "/v1/devboxes/{id}", "get"),
            ("POST", "/v1/devboxes/{id}", "update"),
            ("GET", "/v1/devboxes/disk_snapshots", "snapshots"),
            ("GET", "/v1/devboxes/{devbox_id}/executions/{execution_id}", "execution"),
        ]
    )
    assert table.match("GET", "/v1/devboxes/dbx_1") == ("get", {"id": "dbx_1"})
    assert table.match("HEAD", "/v1/devboxes/dbx_1") == ("get", {"id": "dbx_1"})
    assert table.match("POST", "/v1/devboxes/dbx_1") == ("update", {"id": "dbx_1"})
    assert table.match("GET", "/v1/devboxes/disk_snapshots") == ("snapshots", {})
    assert table.match("POST", "/v1/devboxes/disk_snapshots") == ("update", {"id": "disk_snapshots"})
    assert table.match("GET", "/v1/devboxes/a/executions/b") == (
        "execution",
        {"devbox_id": "a", "execution_id": "b"},
    )
    assert table.match("DELETE", "/v1/devboxes/dbx_1") == MethodNotAllowed(("GET", "HEAD", "POST"))
    # The most specific route's methods, though a POST falls through to /v1/devboxes/{id}.
    assert table.match("DELETE", "/v1/devboxes/disk_snapshots") == MethodNotAllowed(("GET", "HEAD"))
    assert table.match("GET", "/v1/devboxes/a/executions/b/kill") is None
    assert table.match("GET", "/v1/devboxes/") is None
    assert table.match("GET", "/v1/other/x") is None
    assert table.match("GET", "/v1/devboxes/a/b") is None


def test_wait_request_defaults_caps_and_rejects() -> None:
    allowed = Literal["running", "shutdown"]
    assert wait_request(["running"], None, allowed, 30) == (["running"], 30)
    assert wait_request(("running", "shutdown"), 5, allowed, 30) == (["running", "shutdown"], 5)
    assert wait_request(["running"], 99, allowed, 25) == (["running"], 25)
    for statuses, timeout, needle in (
        ([], 1, "statuses"),
        (["bogus"], 1, "statuses"),
        (["running"], -1, "timeout"),
        (["running"], 2**31, "timeout"),
    ):
        with pytest.raises(ApiError, match=needle):
            wait_request(statuses, timeout, allowed, 30)
