"""``AsyncSecret``: a named secret, exposed to devboxes as an environment variable."""

from __future__ import annotations

from typing_extensions import Unpack

from runloop_api.types import SecretView

from .._base.options import MutationOptions, RequestOptions
from ._context import AsyncClientContext

__all__ = ["AsyncSecret"]


class AsyncSecret:
    """A secret, known by its name (its value is never read back).

    Example:
        >>> secret = await sdk.secret.create("GITHUB_TOKEN", "ghp_...")
        >>> box = await sdk.devbox.create(secrets={"GITHUB_TOKEN": secret.name})
    """

    def __init__(self, ctx: AsyncClientContext, name: str) -> None:
        self._ctx = ctx
        self._name = name

    def __repr__(self) -> str:
        return f"AsyncSecret(name={self._name!r})"

    @property
    def name(self) -> str:
        """The secret's name."""
        return self._name

    async def get_info(self, **options: Unpack[RequestOptions]) -> SecretView:
        """Reads the secret's view (id, name, creation time) from the server."""
        return await self._ctx.api.secrets.retrieve(self._name, **options)

    async def update(self, value: str, **options: Unpack[MutationOptions]) -> SecretView:
        """Replaces the secret's value."""
        return await self._ctx.api.secrets.update(self._name, value=value, **options)

    async def delete(self, **options: Unpack[MutationOptions]) -> SecretView:
        """Deletes the secret."""
        return await self._ctx.api.secrets.delete(self._name, **options)
