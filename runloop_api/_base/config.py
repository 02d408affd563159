"""Client configuration: explicit arguments first, then environment variables. Pure, no I/O."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

import httpx

from .errors import RunloopError

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_TIMEOUT",
    "DEFAULT_MAX_RETRIES",
    "LONG_POLL_HOLD_SECONDS",
    "ClientConfig",
    "resolve_config",
    "long_poll_timeout",
]

DEFAULT_BASE_URL = "https://api.runloop.ai"
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_RETRIES = 2
# The server holds a wait_for_status call for at most 30 s; the read timeout must outlast it.
LONG_POLL_HOLD_SECONDS = 30.0
LONG_POLL_MARGIN_SECONDS = 10.0


@dataclass(frozen=True)
class ClientConfig:
    """The resolved settings of one client."""

    bearer_token: str
    base_url: str
    timeout: httpx.Timeout
    max_retries: int
    headers: dict[str, str] = field(default_factory=dict)


def resolve_config(
    *,
    bearer_token: str | None,
    base_url: str | None,
    timeout: float | httpx.Timeout | None,
    max_retries: int,
    default_headers: Mapping[str, str] | None,
    environ: Mapping[str, str] | None = None,
) -> ClientConfig:
    """Resolves client settings from arguments and the environment.

    Raises:
        RunloopError: When no token is given and ``RUNLOOP_API_KEY`` is not set, or a value is invalid.
    """
    env = os.environ if environ is None else environ
    token = bearer_token if bearer_token is not None else env.get("RUNLOOP_API_KEY")
    if not token:
        raise RunloopError(
            "No API key: pass bearer_token=... or set the RUNLOOP_API_KEY environment variable "
            "(or use RunloopSDK.local() for the embedded local engine, which needs none)."
        )
    url = (base_url or env.get("RUNLOOP_BASE_URL") or DEFAULT_BASE_URL).rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise RunloopError(f"base_url must start with http:// or https://, got {url!r}")
    if max_retries < 0:
        raise RunloopError(f"max_retries must be 0 or more, got {max_retries}")
    resolved_timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
    headers = {
        "Authorization": f"Bearer {token}",
        "Accept": "application/json",
        "User-Agent": "runloop-sdk-python/0.1.0",
        **dict(default_headers or {}),
    }
    return ClientConfig(
        bearer_token=token, base_url=url, timeout=resolved_timeout, max_retries=max_retries, headers=headers
    )


def long_poll_timeout(timeout: httpx.Timeout, hold_seconds: float | None) -> httpx.Timeout:
    """The timeout for a long-poll: its read timeout outlasts the server's hold.

    A read timeout that is already long enough, or disabled (``None``), is kept as it is.
    """
    hold = LONG_POLL_HOLD_SECONDS if hold_seconds is None else min(hold_seconds, LONG_POLL_HOLD_SECONDS)
    needed = hold + LONG_POLL_MARGIN_SECONDS
    if timeout.read is None or timeout.read >= needed:
        return timeout
    return httpx.Timeout(connect=timeout.connect, read=needed, write=timeout.write, pool=timeout.pool)
