# Generated from runloop_sdk/_async/network_policy.py by scripts/unasync.py. Do not edit.
"""``NetworkPolicy``: egress rules devboxes can be started with."""

from __future__ import annotations

from typing import Any

from typing_extensions import Unpack

from runloop_api._sync.resources.network_policies import NetworkPoliciesResource
from runloop_api.types import NetworkPolicyView

from .._base.forwarding import forwards_to
from .._base.options import MutationOptions, RequestOptions
from ._context import ClientContext

__all__ = ["NetworkPolicy"]


class NetworkPolicy:
    """A network policy.

    Example:
        >>> policy = sdk.network_policy.create(name="pypi-only", allowed_hostnames=["pypi.org"])
    """

    def __init__(self, ctx: ClientContext, policy_id: str) -> None:
        self._ctx = ctx
        self._id = policy_id

    def __repr__(self) -> str:
        return f"NetworkPolicy(id={self._id!r})"

    @property
    def id(self) -> str:
        """The policy's id."""
        return self._id

    def get_info(self, **options: Unpack[RequestOptions]) -> NetworkPolicyView:
        """Reads the policy's view from the server."""
        return self._ctx.api.network_policies.retrieve(self._id, **options)

    @forwards_to(NetworkPoliciesResource.update)
    def update(self, **params: Any) -> NetworkPolicyView:
        """Changes the policy.

        Args:
            **params: What ``api.network_policies.update`` accepts (``name``, ``allowed_hostnames``, ...).
        """
        return self._ctx.api.network_policies.update(self._id, **params)

    def delete(self, **options: Unpack[MutationOptions]) -> NetworkPolicyView:
        """Deletes the policy."""
        return self._ctx.api.network_policies.delete(self._id, **options)
