"""The local engine: a server speaking the Runloop API that runs devboxes on this machine.

Example:
    >>> from runloop_local import LocalEngine
    >>> with LocalEngine() as engine:
    ...     print(engine.base_url, engine.token)
"""

from .engine import LocalEngine

__all__ = ["LocalEngine"]
