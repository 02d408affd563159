"""Client settings: arguments first, then the environment, with errors that say what to set."""

from __future__ import annotations

import httpx
import pytest

from runloop_api import RunloopAPI, RunloopError
from runloop_api._base.config import DEFAULT_BASE_URL, long_poll_timeout, resolve_config


def resolve(environ: dict[str, str], **kwargs: object) -> object:
    options: dict[str, object] = {
        "bearer_token": None,
        "base_url": None,
        "timeout": 30.0,
        "max_retries": 2,
        "default_headers": None,
        "environ": environ,
    }
    options.update(kwargs)
    return resolve_config(**options)  # type: ignore[arg-type]


def test_missing_token_names_the_environment_variable() -> None:
    with pytest.raises(RunloopError, match="RUNLOOP_API_KEY"):
        resolve({})
    with pytest.raises(RunloopError, match="RUNLOOP_API_KEY"):
        resolve({"RUNLOOP_API_KEY": ""})


def test_public_client_reports_the_missing_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RUNLOOP_API_KEY", raising=False)
    with pytest.raises(RunloopError, match="RUNLOOP_API_KEY"):
        RunloopAPI()


def test_environment_fills_what_arguments_leave_out() -> None:
    config = resolve_config(
        bearer_token=None,
        base_url=None,
        timeout=12.0,
        max_retries=3,
        default_headers={"X-Team": "a"},
        environ={"RUNLOOP_API_KEY": "env-key", "RUNLOOP_BASE_URL": "http://127.0.0.1:8123/"},
    )
    assert config.bearer_token == "env-key"
    assert config.base_url == "http://127.0.0.1:8123"
    assert config.timeout == httpx.Timeout(12.0)
    assert config.max_retries == 3
    assert config.headers["Authorization"] == "Bearer env-key"
    assert config.headers["X-Team"] == "a"


def test_arguments_win_over_the_environment() -> None:
    config = resolve_config(
        bearer_token="arg-key",
        base_url="https://example.test",
        timeout=httpx.Timeout(1.0, read=9.0),
        max_retries=0,
        default_headers=None,
        environ={"RUNLOOP_API_KEY": "env-key", "RUNLOOP_BASE_URL": "http://other"},
    )
    assert (config.bearer_token, config.base_url) == ("arg-key", "https://example.test")
    assert config.timeout.read == 9.0


def test_default_base_url() -> None:
    config = resolve_config(
        bearer_token="k", base_url=None, timeout=None, max_retries=2, default_headers=None, environ={}
    )
    assert config.base_url == DEFAULT_BASE_URL == "https://api.runloop.ai"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"base_url": "api.runloop.ai"}, "http:// or https://"), ({"max_retries": -1}, "max_retries")],
)
def test_invalid_settings_are_clear_errors(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(RunloopError, match=message):
        resolve({"RUNLOOP_API_KEY": "k"}, **kwargs)


def test_long_poll_timeout_outlasts_the_hold() -> None:
    short = httpx.Timeout(5.0)
    assert long_poll_timeout(short, 25).read == 35.0
    assert long_poll_timeout(short, None).read == 40.0
    assert long_poll_timeout(short, 300).read == 40.0  # the server never holds longer than 30 s
    assert long_poll_timeout(short, 25).connect == 5.0
    generous = httpx.Timeout(120.0)
    assert long_poll_timeout(generous, 25) is generous
    unlimited = httpx.Timeout(None)  # a caller who turned timeouts off keeps them off
    assert long_poll_timeout(unlimited, 25) is unlimited
