"""The engine's outermost ASGI app: HTTP requests go straight to the route table.

Starlette's stack (its server-error and exception middlewares, its router) costs about a tenth
of the engine's time per ``execute``, for nothing the engine uses: the table finds the endpoint
and the handlers below turn exceptions into answers. Starlette still serves the lifespan and the
terminal websocket.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from starlette.applications import Starlette
from starlette.datastructures import State
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["ErrorHandlers", "EngineASGI"]

ErrorHandlers = Mapping[type[Exception], Callable[[Request, Exception], Awaitable[Response]]]


def handler_for(
    handlers: ErrorHandlers, exc: Exception
) -> Callable[[Request, Exception], Awaitable[Response]] | None:
    """The handler of the nearest class of ``exc`` that has one, pure."""
    for kind in type(exc).__mro__:
        found = handlers.get(kind)
        if found is not None:
            return found
    return None


class EngineASGI:
    """Serves HTTP with ``http`` (answering its exceptions through ``handlers``), all else with ``app``.

    Args:
        app: The Starlette app (lifespan, websockets, and its ``state``).
        http: The app that answers HTTP requests (authentication included).
        handlers: Answers to exceptions ``http`` raises before it has started its answer.
    """

    def __init__(self, app: Starlette, http: ASGIApp, handlers: ErrorHandlers) -> None:
        self.app = app
        self._http = http
        self._handlers = handlers

    @property
    def state(self) -> State:
        """The Starlette app's state (where ``build_app`` keeps the services)."""
        return self.app.state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope["app"] = self.app  # what Request.app gives the endpoints
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = True
            await send(message)

        try:
            await self._http(scope, receive, tracked)
        except Exception as exc:
            handler = handler_for(self._handlers, exc)
            if started or handler is None:  # too late for an answer: the server closes the connection
                raise
            response = await handler(Request(scope, receive), exc)
            await response(scope, receive, send)
