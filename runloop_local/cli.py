"""``runloop-local``: the engine as a command (``serve``), and commands that look into a served one.

``ls``, ``exec``, ``logs``, ``shell`` and ``shutdown`` find the engine serving a data dir by the
``server.json`` that ``serve`` writes there (also ``python -m runloop_local ...``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ipaddress
import logging
import os
import signal
import ssl
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import FrameType

import platformdirs
import uvicorn

from runloop_api import APIConnectionError, APIStatusError
from runloop_sdk import AsyncRunloopSDK, RunloopSDK

from .app import build_app
from .client.commands import run_exec, run_logs, run_ls, run_shutdown
from .client.lookup import UnknownDevboxError, find_devbox
from .client.server_file import (
    NoEngineError,
    ServerInfo,
    read_server_file,
    remove_server_file,
    write_server_file,
)
from .client.terminal import run_shell
from .devboxes.service import DevboxService
from .engine import check_isolation, listening_socket, new_token, raise_fd_limit
from .http.heap import tune_heap
from .http.server import server_config

__all__ = ["default_data_dir", "is_loopback", "main", "parse_args"]

DEFAULT_PORT = 8733


class _Server(uvicorn.Server):
    """uvicorn's server, but SIGINT/SIGTERM end it with exit status 0 instead of re-raising the signal."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        def handle(signum: int, frame: FrameType | None) -> None:
            if self.should_exit:  # a second signal: stop waiting for open connections
                self.force_exit = True
            self.should_exit = True

        previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def default_data_dir() -> Path:
    """The data dir used without ``--data-dir``: under the user's data directory."""
    return Path(platformdirs.user_data_dir("runloop-local", appauthor=False))


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine (pure)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parses the command line."""
    parser = argparse.ArgumentParser(prog="runloop-local", description="A local engine for the Runloop API.")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the Runloop API on this machine")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    serve.add_argument(
        "--ssh-port",
        type=int,
        default=0,
        help="port of the SSH server on the same address (default 0: a free one; create_ssh_key answers it)",
    )
    serve.add_argument(
        "--token", default=None, help="bearer token clients must send (default: a fresh random one)"
    )
    serve.add_argument("--data-dir", type=Path, default=None, help="where records and devbox files live")
    serve.add_argument("--isolation", choices=["auto", "bwrap", "none"], default="auto")
    serve.add_argument(
        "--read-only-root",
        action="store_true",
        help="give devboxes the host system read-only with a private home, even where the engine "
        "could mount a writable root (it needs root)",
    )
    serve.add_argument(
        "--tls-cert",
        type=Path,
        default=None,
        help="serve HTTPS with this PEM certificate (chain); HTTP/2 is then chosen by ALPN",
    )
    serve.add_argument(
        "--tls-key", type=Path, default=None, help="the certificate's PEM private key (if not in --tls-cert)"
    )
    serve.add_argument(
        "--allow-remote", action="store_true", help="allow binding an address reachable from other machines"
    )
    data_dir_help = "the data dir of the engine to ask (default: serve's default)"
    ls = sub.add_parser("ls", help="list the devboxes of a served engine")
    ls.add_argument("--all", action="store_true", help="also the devboxes that have ended")
    run = sub.add_parser("exec", help="run a command in a devbox, streaming its output")
    run.add_argument("devbox", help="the devbox's id, or the name of one that has not ended")
    run.add_argument("words", nargs=argparse.REMAINDER, metavar="CMD", help="the command (bash -c)")
    run.add_argument("--shell-name", default=None, help="run it in this named shell of the devbox")
    logs = sub.add_parser("logs", help="print a devbox's log")
    logs.add_argument("devbox", help="the devbox's id or name")
    shell = sub.add_parser("shell", help="an interactive terminal in a devbox")
    shell.add_argument("devbox", help="the devbox's id or name")
    shell.add_argument(
        "--name",
        default=None,
        help="the terminal session's name: reattach to it, or start it (default: a new one)",
    )
    shutdown = sub.add_parser("shutdown", help="shut a devbox down")
    shutdown.add_argument("devbox", help="the devbox's id or name")
    for client in (ls, run, logs, shell, shutdown):
        client.add_argument("--data-dir", type=Path, default=None, help=data_dir_help)
    args = parser.parse_args(argv)
    if args.command == "exec" and not args.words:
        parser.error("exec needs a command: runloop-local exec DEVBOX CMD...")
    return args


def _tls_problem(cert: Path | None, key: Path | None) -> str | None:
    """Why ``--tls-cert``/``--tls-key`` cannot be served, or None."""
    if key is not None and cert is None:
        return "--tls-key needs --tls-cert"
    for flag, path in (("--tls-cert", cert), ("--tls-key", key)):
        if path is not None and not path.is_file():
            return f"{flag} {path}: no such file"
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the command line; returns the exit status.

    SIGINT and SIGTERM end every devbox process (devboxes are recorded as suspended) and exit.
    """
    args = parse_args(argv)
    if args.command != "serve":
        return _client_command(args)
    return _serve(args)


def _client_command(args: argparse.Namespace) -> int:
    """Runs ``ls``, ``exec``, ``logs``, ``shell`` or ``shutdown`` against the engine serving the data dir."""
    data_dir = args.data_dir or default_data_dir()
    try:
        info = read_server_file(data_dir)
        return _ask(args, info)
    except NoEngineError as exc:
        print(f"runloop-local: {exc}", file=sys.stderr)
    except APIConnectionError:
        print(
            f"runloop-local: no engine answers at {info.base_url} (from {data_dir / 'server.json'}; "
            f"was it stopped?); start one with: runloop-local serve --data-dir {data_dir}",
            file=sys.stderr,
        )
    except UnknownDevboxError as exc:
        print(f"runloop-local: {exc.args[0]}", file=sys.stderr)
    except APIStatusError as exc:
        print(f"runloop-local: {exc}", file=sys.stderr)
    return 1


def _ask(args: argparse.Namespace, info: ServerInfo) -> int:
    with RunloopSDK(base_url=info.base_url, bearer_token=info.token, max_retries=1) as sdk:
        if args.command == "shell":
            devbox_id = find_devbox(sdk.api, args.devbox).id
            return asyncio.run(_shell(info, devbox_id, args.name or f"cli-{os.getpid()}"))
        if args.command == "ls":
            return run_ls(sdk, show_all=args.all)
        if args.command == "exec":
            return run_exec(sdk, args.devbox, args.words, shell_name=args.shell_name)
        if args.command == "logs":
            return run_logs(sdk, args.devbox)
        return run_shutdown(sdk, args.devbox)


async def _shell(info: ServerInfo, devbox_id: str, name: str) -> int:
    async with AsyncRunloopSDK(base_url=info.base_url, bearer_token=info.token, max_retries=1) as sdk:
        return await run_shell(sdk, devbox_id, name, sys.stdin.fileno(), sys.stdout.fileno())


def _serve(args: argparse.Namespace) -> int:
    """Serves the API until SIGINT or SIGTERM; returns the exit status."""
    if not is_loopback(args.host) and not args.allow_remote:
        print(
            f"runloop-local: refusing to bind {args.host}, which other machines can reach; "
            "pass --allow-remote if that is what you want",
            file=sys.stderr,
        )
        return 2
    try:
        check_isolation(args.isolation)
    except RuntimeError as exc:
        print(f"runloop-local: {exc}", file=sys.stderr)
        return 2
    tls_problem = _tls_problem(args.tls_cert, args.tls_key)
    if tls_problem is not None:
        print(f"runloop-local: {tls_problem}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="runloop-local: %(message)s")
    try:
        sock = listening_socket(args.host, args.port)
    except OSError as exc:
        print(f"runloop-local: cannot listen on {args.host}:{args.port}: {exc.strerror}", file=sys.stderr)
        return 2
    token = args.token or new_token()
    data_dir = args.data_dir or default_data_dir()
    raise_fd_limit()
    tune_heap()
    service = DevboxService(data_dir, args.isolation, writable_roots=not args.read_only_root)
    config = server_config(
        build_app(service, token, host=args.host, ssh_port=args.ssh_port),
        tls_cert=args.tls_cert,
        tls_key=args.tls_key,
    )
    try:
        config.load()  # reads the certificate: a bad one is an error message, not a traceback
    except (OSError, ssl.SSLError) as exc:
        print(f"runloop-local: cannot serve TLS with {args.tls_cert}: {exc}", file=sys.stderr)
        return 2
    host = f"[{args.host}]" if ":" in args.host else args.host
    port = sock.getsockname()[1]
    scheme = "https" if args.tls_cert is not None else "http"
    print(
        f"runloop-local: serving the Runloop API at {scheme}://{host}:{port} (HTTP/1.1 and HTTP/2)",
        flush=True,
    )
    print(f"  RUNLOOP_BASE_URL={scheme}://{host}:{port}", flush=True)
    print(f"  RUNLOOP_API_KEY={token}", flush=True)
    print(f"  data dir: {data_dir}", flush=True)
    server = _Server(config)
    # The service holds the data dir's lock: this file is ours until the engine stops.
    write_server_file(data_dir, ServerInfo(base_url=f"http://{host}:{port}", token=token, pid=os.getpid()))
    try:
        with sock:
            server.run(sockets=[sock])
    finally:
        remove_server_file(data_dir, os.getpid())
    return 0 if server.started else 1
