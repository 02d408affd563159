"""Route of SSH keys: ``create_ssh_key`` answers a key, user, host and port a stock OpenSSH client uses."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from runloop_api.types import DevboxCreateSshKeyView

from ..http.requests import Routes, app_state, respond
from .service import SshService

__all__ = ["ROUTES"]


async def create_ssh_key(request: Request) -> Response:
    """``ssh -i KEY -p PORT USER@URL``: ``url`` is the host the client reached the API by."""
    new = app_state(request, "ssh", SshService).create_key(request.path_params["id"])
    return respond(
        DevboxCreateSshKeyView(
            id=new.devbox_id,
            ssh_private_key=new.private_key,
            ssh_user=new.user,
            url=request.url.hostname or "127.0.0.1",
            port=new.port,
        )
    )


ROUTES: Routes = [
    ("POST", "/v1/devboxes/{id}/create_ssh_key", create_ssh_key),
]
