"""What every object holds besides its id: the raw client and the default polling settings."""

from __future__ import annotations

from dataclasses import dataclass

from runloop_api import AsyncRunloopAPI

from .._base.polling import PollingConfig

__all__ = ["AsyncClientContext"]


@dataclass(frozen=True)
class AsyncClientContext:
    """The raw client and the SDK's polling settings, shared by every object of one SDK."""

    api: AsyncRunloopAPI
    polling: PollingConfig

    def polling_for(self, polling: PollingConfig | None, timeout: float | None = None) -> PollingConfig:
        """The polling settings of one wait: the call's own, else the SDK's; ``timeout`` wins."""
        config = polling or self.polling
        return config if timeout is None else config.with_timeout(timeout)
