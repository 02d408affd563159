"""``LocalEngine``: the engine embedded in a Python process (its server in a background thread)."""

from __future__ import annotations

import contextlib
import logging
import resource
import secrets
import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path
from types import TracebackType

import uvicorn

from .app import build_app
from .devboxes.service import DevboxService, StartSandbox
from .http.server import server_config
from .http.sockets import listening_socket
from .sandbox.contract import Isolation
from .sandbox.mounts import mounts_under, unmount

__all__ = ["LocalEngine", "check_isolation", "listening_socket", "new_token", "raise_fd_limit"]

log = logging.getLogger("runloop_local")

_START_TIMEOUT = 20.0
_BWRAP_HINT = (
    "--isolation bwrap needs bubblewrap, which is not installed: install it with "
    "`sudo apt-get install bubblewrap` (Debian/Ubuntu) or `sudo dnf install bubblewrap` (Fedora), "
    "or choose --isolation auto"
)


def raise_fd_limit() -> int:
    """Raises this process's soft limit of open files to its hard limit and returns it.

    Each running devbox holds a few descriptors (its agent's pipes, its database handles): at
    the usual soft limit of 1,024 creates fail at about 300 devboxes.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        hard = max(soft, 1 << 20)
    if soft < hard:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def new_token() -> str:
    """A fresh random bearer token."""
    return "rl_local_" + secrets.token_urlsafe(24)


def check_isolation(isolation: Isolation) -> None:
    """Fails fast when bubblewrap is required but missing.

    Raises:
        RuntimeError: ``isolation`` is ``bwrap`` and ``bwrap`` is not on the PATH (with an install hint).
        ValueError: ``isolation`` is not one of ``auto``, ``bwrap``, ``none``.
    """
    if isolation not in ("auto", "bwrap", "none"):
        raise ValueError(f"isolation must be auto, bwrap or none, not {isolation!r}")
    if isolation == "bwrap" and shutil.which("bwrap") is None:
        raise RuntimeError(_BWRAP_HINT)


class LocalEngine:
    """A local Runloop engine serving the Runloop API on a free loopback port.

    Example:
        >>> with LocalEngine() as engine:
        ...     api = RunloopAPI(base_url=engine.base_url, bearer_token=engine.token)

    Args:
        data_dir: Where records and devbox files are kept; None for a fresh temporary folder
            that is removed on :meth:`stop`.
        token: The bearer token clients must send; None for a fresh random one.
        isolation: ``auto`` (bubblewrap when installed), ``bwrap`` (required) or ``none``.
        start_sandbox: For tests: starts sandboxes instead of ``runloop_local.sandbox``.
        tls_cert: A PEM certificate to serve HTTPS with (HTTP/2 then by ALPN); None for
            cleartext HTTP (HTTP/1.1, and HTTP/2 with prior knowledge or ``Upgrade: h2c``).
        tls_key: The certificate's private key (PEM), where ``tls_cert`` does not hold it.
    """

    def __init__(
        self,
        data_dir: str | Path | None = None,
        *,
        token: str | None = None,
        isolation: Isolation = "auto",
        start_sandbox: StartSandbox | None = None,
        writable_roots: bool = True,
        tls_cert: str | Path | None = None,
        tls_key: str | Path | None = None,
    ) -> None:
        check_isolation(isolation)
        if tls_key is not None and tls_cert is None:
            raise ValueError("a TLS key needs its certificate: give tls_cert too")
        self._tls = (tls_cert, tls_key)
        self._writable_roots = writable_roots
        self._service: DevboxService | None = None
        self._data_dir = Path(data_dir) if data_dir is not None else None
        self._token = token or new_token()
        self._isolation: Isolation = isolation
        self._start_sandbox = start_sandbox
        self._temp_dir: Path | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self._port = 0

    @property
    def token(self) -> str:
        """The bearer token clients must send."""
        return self._token

    @property
    def base_url(self) -> str:
        """The engine's URL, such as ``http://127.0.0.1:40123`` (``https://`` when serving TLS).

        Raises:
            RuntimeError: The engine is not started.
        """
        if self._server is None:
            raise RuntimeError("the engine is not started: call start() or use it as a context manager")
        scheme = "https" if self._tls[0] is not None else "http"
        return f"{scheme}://127.0.0.1:{self._port}"

    @property
    def data_dir(self) -> Path:
        """Where records and devbox files are kept."""
        found = self._data_dir or self._temp_dir
        if found is None:
            raise RuntimeError("the engine is not started")
        return found

    @property
    def writable_roots(self) -> str | None:
        """None when devboxes get a writable root filesystem, else why not (once started).

        Raises:
            RuntimeError: The engine is not started.
        """
        if self._service is None or self._server is None:
            raise RuntimeError("the engine is not started")
        images = self._service.images
        return None if images.base is not None else images.unavailable or "not set up"

    def netns_pid(self, devbox_id: str) -> int | None:
        """The process holding a running devbox's network namespace (None: it shares the host's).

        Pass it to :func:`runloop_local.network.reach.connect_devbox_port` to reach a port of the
        devbox from this process.

        Raises:
            RuntimeError: The engine is not started.
            runloop_local.http.errors.ApiError: The devbox is unknown or not running.
        """
        if self._service is None or self._server is None:
            raise RuntimeError("the engine is not started")
        return self._service.netns_pid(devbox_id)

    def start(self) -> LocalEngine:
        """Starts the server and returns once it accepts requests.

        Raises:
            RuntimeError: It is already running, or did not start (the message says why).
        """
        if self._server is not None:
            raise RuntimeError("the engine is already running")
        if self._data_dir is None:
            self._temp_dir = Path(tempfile.mkdtemp(prefix="runloop-local-"))
        data_dir = self.data_dir
        raise_fd_limit()
        try:
            service = DevboxService(
                data_dir,
                self._isolation,
                start_sandbox=self._start_sandbox,
                writable_roots=self._writable_roots,
            )
        except BaseException:
            self.stop()
            raise
        self._service = service
        app = build_app(service, self._token)
        sock = listening_socket("127.0.0.1", 0)
        self._socket = sock
        self._port = sock.getsockname()[1]
        config = server_config(app, tls_cert=self._tls[0], tls_key=self._tls[1])
        server = uvicorn.Server(config)
        self._server = server
        self._thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name="runloop-local-engine", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + _START_TIMEOUT
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the local engine did not start; see the log above for why")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        """Stops the server: devbox processes end, state is saved; a temporary data dir is removed."""
        server, thread, sock = self._server, self._thread, self._socket
        self._server = self._thread = self._socket = None
        if server is not None:
            server.should_exit = True
        if thread is not None:
            thread.join(timeout=30)
        if sock is not None:
            sock.close()
        if self._temp_dir is not None:
            for leftover in mounts_under(self._temp_dir):  # never delete through a devbox's root
                unmount(leftover)
            shutil.rmtree(self._temp_dir, ignore_errors=True)
            self._temp_dir = None

    def __enter__(self) -> LocalEngine:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
