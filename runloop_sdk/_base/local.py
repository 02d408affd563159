"""Starting the embedded local engine for ``RunloopSDK.local()``; imported lazily."""

from __future__ import annotations

from typing import Any, Protocol

__all__ = ["EngineHandle", "start_local_engine"]


class EngineHandle(Protocol):
    """What the SDK needs of a running ``runloop_local.LocalEngine``."""

    @property
    def base_url(self) -> str: ...

    @property
    def token(self) -> str: ...

    def stop(self) -> None: ...


def start_local_engine(**engine_kwargs: Any) -> EngineHandle:
    """Starts ``runloop_local.LocalEngine(**engine_kwargs)`` and returns it running.

    Raises:
        ImportError: When the ``local`` extra is not installed.
    """
    try:
        from runloop_local import LocalEngine  # type: ignore[attr-defined,unused-ignore]
    except ImportError as exc:
        raise ImportError(
            "RunloopSDK.local() needs the local engine: pip install 'runloop-sdk[local]'"
        ) from exc
    engine = LocalEngine(**engine_kwargs)
    engine.start()
    return engine  # type: ignore[no-any-return,unused-ignore]
