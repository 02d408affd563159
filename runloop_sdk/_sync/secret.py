# Generated from runloop_sdk/_async/secret.py by scripts/unasync.py. Do not edit.
"""``Secret``: a named secret, exposed to devboxes as an environment variable."""

from __future__ import annotations

from typing_extensions import Unpack

from runloop_api.types import SecretView

from .._base.options import MutationOptions, RequestOptions
from ._context import ClientContext

__all__ = ["Secret"]


class Secret:
    """A secret, known by its name (its value is never read back).

    Example:
        >>> secret = sdk.secret.create("GITHUB_TOKEN", "ghp_...")
        >>> box = sdk.devbox.create(secrets={"GITHUB_TOKEN": secret.name})
    """

    def __init__(self, ctx: ClientContext, name: str) -> None:
        self._ctx = ctx
        self._name = name

    def __repr__(self) -> str:
        return f"Secret(name={self._name!r})"

    @property
    def name(self) -> str:
        """The secret's name."""
        return self._name

    def get_info(self, **options: Unpack[RequestOptions]) -> SecretView:
        """Reads the secret's view (id, name, creation time) from the server."""
        return self._ctx.api.secrets.retrieve(self._name, **options)

    def update(self, value: str, **options: Unpack[MutationOptions]) -> SecretView:
        """Replaces the secret's value."""
        return self._ctx.api.secrets.update(self._name, value=value, **options)

    def delete(self, **options: Unpack[MutationOptions]) -> SecretView:
        """Deletes the secret."""
        return self._ctx.api.secrets.delete(self._name, **options)
