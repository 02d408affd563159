"""A devbox's network as its policy wants it: the host's, or a namespace of its own with pasta,
an nftables egress filter and the egress proxy. Opened before its sandbox starts, closed after it ends."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
from pathlib import Path

from .netns import NamespaceError, netns_path, spawn_holder
from .proxy import EgressProxy
from .rules import Egress, HostCapabilities, missing_for, nameservers, needs, nft_ruleset

__all__ = ["DevboxNetwork", "NetworkUnavailable", "probe_capabilities"]

PASTA_TIMEOUT = 5.0
TOOLS = ("unshare", "nsenter", "setpriv", "pasta", "nft")


class NetworkUnavailable(Exception):
    """This machine cannot enforce the policy (the message says what is missing)."""


def probe_capabilities(sandboxed: bool) -> HostCapabilities:
    """What this machine lets the engine do for network policies."""
    return HostCapabilities(
        root=os.geteuid() == 0,
        sandboxed=sandboxed,
        tools=frozenset(t for t in TOOLS if shutil.which(t)),
    )


async def _end(proc: asyncio.subprocess.Process | None) -> None:
    if proc is None or proc.returncode is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        proc.kill()
    await proc.wait()


def _has_default_route(pid: int) -> bool:
    """Whether the namespace of ``pid`` has an IPv4 default route yet (pasta configured it)."""
    try:
        lines = Path(f"/proc/{pid}/net/route").read_text().splitlines()[1:]
    except OSError:
        return False
    return any(line.split()[1:2] == ["00000000"] for line in lines)


class DevboxNetwork:
    """One devbox's network. ``netns`` is None for a devbox on the host's network."""

    def __init__(self, egress: Egress) -> None:
        self.egress = egress
        self.env: dict[str, str] = {}
        """Variables the devbox's commands get (the proxy's address)."""
        self._holder: asyncio.subprocess.Process | None = None
        self._pasta: asyncio.subprocess.Process | None = None
        self._proxy: EgressProxy | None = None

    @property
    def netns_pid(self) -> int | None:
        """The process holding the devbox's network namespace (None: the host's network)."""
        return self._holder.pid if self._holder is not None else None

    @property
    def netns(self) -> str | None:
        """The path of the devbox's network namespace, for its sandbox to enter (None: the host's)."""
        pid = self.netns_pid
        return netns_path(pid) if pid is not None else None

    @classmethod
    async def open(cls, egress: Egress, caps: HostCapabilities) -> DevboxNetwork:
        """Makes a devbox's network.

        Raises:
            NetworkUnavailable: The machine lacks what the policy needs, or setting it up failed.
        """
        net = cls(egress)
        wiring = needs(egress)
        if wiring == "host":
            return net
        missing = missing_for(egress, caps)
        if missing:
            raise NetworkUnavailable(f"network policy {egress.policy_id}: {missing}")
        try:
            net._holder = await spawn_holder()
            if wiring == "routed":
                await net._filter()
                await net._connect()
            if egress.hostnames:
                net._proxy = EgressProxy(egress.hostnames, egress.policy_id)
                port = await net._proxy.start(net._holder.pid)
                url = f"http://127.0.0.1:{port}"
                for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
                    net.env[name] = url
                net.env["no_proxy"] = net.env["NO_PROXY"] = "localhost,127.0.0.1,::1"
        except (NamespaceError, OSError, RuntimeError) as exc:
            await net.close()
            raise NetworkUnavailable(f"network policy {egress.policy_id}: {exc}") from exc
        return net

    async def _filter(self) -> None:
        """Loads the nftables egress filter into the namespace (before it has any route out)."""
        try:
            resolv = Path("/etc/resolv.conf").read_text()
        except OSError:
            resolv = ""
        script = nft_ruleset(self.egress.cidrs, nameservers(resolv))
        assert self.netns is not None
        proc = await asyncio.create_subprocess_exec(
            "nsenter", f"--net={self.netns}", "--", "nft", "-f", "-",
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        _, err = await proc.communicate(script.encode())
        if proc.returncode != 0:
            raise RuntimeError(
                f"nft could not load the egress filter: {err.decode(errors='replace').strip()}"
            )

    async def _connect(self) -> None:
        """Connects the namespace to the host's network with pasta (no port forwarded either way)."""
        assert self._holder is not None and self.netns is not None
        self._pasta = await asyncio.create_subprocess_exec(
            "setpriv", "--pdeathsig", "KILL", "--",
            "pasta", "--runas", "0:0", "--quiet", "--foreground",
            "-t", "none", "-u", "none", "-T", "none", "-U", "none",
            "--config-net", "--netns", self.netns,
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        loop = asyncio.get_running_loop()
        deadline = loop.time() + PASTA_TIMEOUT
        while not _has_default_route(self._holder.pid):
            # pasta's output is not read (it can be long: it logs to syslog, or says it cannot).
            if self._pasta.returncode is not None:
                raise RuntimeError(
                    f"pasta ended with status {self._pasta.returncode} before connecting the namespace"
                )
            if loop.time() > deadline:
                raise RuntimeError(f"pasta did not connect the namespace within {PASTA_TIMEOUT:.0f} s")
            await asyncio.sleep(0.002)

    async def close(self) -> None:
        """Ends the proxy, pasta and the namespace's holder (the sandbox has ended)."""
        if self._proxy is not None:
            await self._proxy.close()
            self._proxy = None
        await _end(self._pasta)
        await _end(self._holder)
        self._pasta = self._holder = None
