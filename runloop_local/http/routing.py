"""Request dispatch: (method, path) to an endpoint and its path parameters, by a table lookup.

Starlette's router tries each of the spec's 141 routes' regexes in turn; grouping the routes by
segment count and comparing literal segments is cheaper, and keeps the same precedence: literal
segments before parameters, position by position.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

__all__ = ["MethodNotAllowed", "RouteTable", "route_order"]

EndpointT = TypeVar("EndpointT")


@dataclass(frozen=True)
class MethodNotAllowed:
    """The path exists, but not with the request's method."""

    allowed: tuple[str, ...]
    """The path's methods, sorted (``HEAD`` with ``GET``): the answer's ``Allow`` header."""


def route_order(path: str) -> tuple[int, ...]:
    """Sort key of a route: literal segments before parameters, position by position (pure).

    So ``/v1/devboxes/disk_snapshots`` is tried before ``/v1/devboxes/{id}``.
    """
    return tuple(1 if seg.startswith("{") else 0 for seg in path.strip("/").split("/"))


@dataclass(frozen=True)
class _Pattern(Generic[EndpointT]):
    path: str
    segments: tuple[str | None, ...]
    """Literal segments, None where a parameter goes."""
    names: tuple[str, ...]
    """Parameter names, in order."""
    methods: dict[str, EndpointT]


class RouteTable(Generic[EndpointT]):
    """Routes of spec-style paths (``/v1/devboxes/{id}``) grouped for lookup.

    Args:
        routes: ``(method, path, endpoint)`` triples.
    """

    def __init__(self, routes: Iterable[tuple[str, str, EndpointT]]) -> None:
        patterns: dict[str, _Pattern[EndpointT]] = {}
        for method, path, endpoint in routes:
            pattern = patterns.get(path)
            if pattern is None:
                parts = path.strip("/").split("/")
                segments = tuple(None if p.startswith("{") else p for p in parts)
                names = tuple(p[1:-1] for p in parts if p.startswith("{"))
                pattern = patterns[path] = _Pattern(path, segments, names, {})
            pattern.methods[method.upper()] = endpoint
        self._groups: dict[int, list[_Pattern[EndpointT]]] = {}
        for pattern in sorted(patterns.values(), key=lambda p: (route_order(p.path), p.path)):
            self._groups.setdefault(len(pattern.segments), []).append(pattern)

    def match(self, method: str, path: str) -> tuple[EndpointT, dict[str, str]] | MethodNotAllowed | None:
        """The endpoint for a request, pure.

        Args:
            method: The HTTP method (``HEAD`` is served as ``GET``).
            path: The decoded request path.

        Returns:
            ``(endpoint, path_params)``; :class:`MethodNotAllowed` when the path exists only
            with other methods; None when no route has this path.
        """
        method = "GET" if method == "HEAD" else method
        parts = path.strip("/").split("/")
        allowed: set[str] = set()
        for pattern in self._groups.get(len(parts), ()):
            # A plain loop: this runs for every request, and generators cost 1 us per pattern.
            for seg, part in zip(pattern.segments, parts, strict=True):
                if seg is not None and seg != part:
                    break
            else:
                values = [part for seg, part in zip(pattern.segments, parts, strict=True) if seg is None]
                if "" in values:
                    continue
                endpoint = pattern.methods.get(method)
                if endpoint is None:
                    # The Allow header is the most specific route's: /v1/devboxes/disk_snapshots
                    # allows GET, though a POST there falls through to /v1/devboxes/{id}.
                    allowed = allowed or set(pattern.methods)
                    continue
                return endpoint, dict(zip(pattern.names, values, strict=True))
        if not allowed:
            return None
        if "GET" in allowed:
            allowed.add("HEAD")
        return MethodNotAllowed(tuple(sorted(allowed)))

    def paths(self, where: Callable[[str], bool] = lambda _: True) -> list[str]:
        """The table's paths in match order (for tests)."""
        return [p.path for group in self._groups.values() for p in group if where(p.path)]
