"""Pure decisions of devbox networking: what a policy needs, its nftables rules, hostname matching."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

__all__ = [
    "CidrRule",
    "Egress",
    "HostCapabilities",
    "PortRange",
    "host_allowed",
    "missing_for",
    "needs",
    "nft_ruleset",
    "split_host_port",
]


@dataclass(frozen=True)
class PortRange:
    """Ports ``port`` to ``end_port`` (inclusive) of ``protocol`` (None: TCP and UDP)."""

    port: int
    end_port: int | None = None
    protocol: str | None = None


@dataclass(frozen=True)
class CidrRule:
    """An IPv4 network a devbox may reach, on every port or only on ``ports``."""

    cidr: str
    ports: tuple[PortRange, ...] = ()


@dataclass(frozen=True)
class Egress:
    """What a devbox may reach, as a network policy says.

    ``allow_all`` wins over everything else. Without it, a devbox reaches only its own loopback,
    the networks in ``cidrs`` and, through the engine's proxy, the hosts in ``hostnames``.
    """

    allow_all: bool = False
    cidrs: tuple[CidrRule, ...] = ()
    hostnames: tuple[str, ...] = ()
    policy_id: str = ""


@dataclass(frozen=True)
class HostCapabilities:
    """What this machine lets the engine do for network policies."""

    root: bool
    sandboxed: bool
    """Devboxes run in bubblewrap (a devbox outside a sandbox can leave any namespace)."""
    tools: frozenset[str] = field(default_factory=frozenset)
    """The programs found: ``unshare``, ``nsenter``, ``setpriv``, ``pasta``, ``nft``."""


NAMESPACE_TOOLS = ("unshare", "nsenter", "setpriv")
CIDR_TOOLS = ("pasta", "nft")
_PACKAGES = {
    "unshare": "util-linux",
    "nsenter": "util-linux",
    "setpriv": "util-linux",
    "pasta": "passt",
    "nft": "nftables",
}


def needs(egress: Egress) -> str:
    """How a devbox with this egress is wired.

    Returns:
        ``host``: it shares the host's network (allow-all); ``isolated``: a namespace with loopback
        only (deny-all, or hostnames only, reached through the proxy); ``routed``: a namespace
        connected by pasta, filtered by nftables (CIDR allow-lists).
    """
    if egress.allow_all:
        return "host"
    return "routed" if egress.cidrs else "isolated"


def missing_for(egress: Egress, caps: HostCapabilities) -> str | None:
    """What this machine lacks to enforce ``egress`` (None: nothing), as a sentence for a 501."""
    wiring = needs(egress)
    if wiring == "host":
        return None
    lacking: list[str] = []
    if not caps.root:
        lacking.append("the engine running as root (network namespaces owned by the host)")
    if not caps.sandboxed:
        lacking.append("bubblewrap sandboxes (isolation 'bwrap')")
    tools = [*NAMESPACE_TOOLS, *(CIDR_TOOLS if wiring == "routed" else ())]
    absent = [t for t in tools if t not in caps.tools]
    if absent:
        packages = sorted({_PACKAGES[t] for t in absent})
        lacking.append(f"{', '.join(absent)} (apt-get install {' '.join(packages)})")
    if not lacking:
        return None
    what = "a CIDR allow-list" if wiring == "routed" else "a restricted network"
    return f"{what} needs " + " and ".join(lacking)


def host_capability_notes(caps: HostCapabilities) -> list[str]:
    """What the engine cannot enforce on this machine, one sentence each (empty: everything)."""
    notes = []
    deny = missing_for(Egress(), caps)
    if deny:
        notes.append(f"network policies that restrict egress answer 501: {deny}")
    else:
        cidr = missing_for(Egress(cidrs=(CidrRule("0.0.0.0/0"),)), caps)
        if cidr:
            notes.append(f"network policies with allowed_cidrs answer 501: {cidr}")
    return notes


def split_host_port(authority: str, default_port: int) -> tuple[str, int]:
    """``host[:port]`` (``[v6]:port`` too) -> (host without brackets, port).

    Raises:
        ValueError: Not a host and port.
    """
    authority = authority.strip()
    if authority.startswith("["):
        host, _, rest = authority[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
    elif authority.count(":") == 1:
        host, port = authority.split(":")
    else:
        host, port = authority, ""
    if not host:
        raise ValueError(f"no host in {authority!r}")
    number = int(port) if port else default_port
    if not 0 < number < 65536:
        raise ValueError(f"bad port in {authority!r}")
    return host, number


def host_allowed(host: str, patterns: Iterable[str]) -> bool:
    """Whether ``host`` matches an allowed hostname.

    ``example.com`` matches that name only; ``*.example.com`` any name under it (not
    ``example.com`` itself); ``*`` every host. Case and a trailing dot do not matter. An IP
    address matches only a pattern that is that address.
    """
    name = host.lower().rstrip(".")
    for pattern in patterns:
        p = pattern.lower().rstrip(".")
        if p == "*" or p == name or (p.startswith("*.") and name.endswith(p[1:]) and len(name) > len(p) - 1):
            return True
    return False


def _port_matches(ports: Sequence[PortRange]) -> list[str]:
    """nftables matches for a CIDR's ports (one per rule; [""] for every port)."""
    if not ports:
        return [""]
    out = []
    for rule in ports:
        span = str(rule.port) if rule.end_port in (None, rule.port) else f"{rule.port}-{rule.end_port}"
        proto = (rule.protocol or "").lower()
        out.append(f"{proto} dport {span} " if proto else f"meta l4proto {{ tcp, udp }} th dport {span} ")
    return out


TABLE = "runloop_egress"


def nft_ruleset(cidrs: Sequence[CidrRule], nameservers: Sequence[str]) -> str:
    """The egress filter of a routed devbox namespace (an ``nft -f`` script).

    Loopback, DNS to the host's resolvers and the allowed networks pass; everything else is
    rejected at once (a TCP reset, an ICMP error otherwise), so a denied connect fails fast
    instead of timing out.
    """
    lines = [
        f"table inet {TABLE} {{",
        "  chain output {",
        "    type filter hook output priority 0; policy drop;",
        '    oifname "lo" accept',
    ]
    for server in nameservers:
        if ipaddress.ip_address(server).version == 4:
            lines.append(f"    ip daddr {server} meta l4proto {{ tcp, udp }} th dport 53 accept")
    for rule in cidrs:
        net = ipaddress.IPv4Network(rule.cidr)
        for match in _port_matches(rule.ports):
            lines.append(f"    ip daddr {net} {match}accept")
    lines += [
        "    meta l4proto tcp reject with tcp reset",
        "    reject with icmpx type admin-prohibited",
        "  }",
        "}",
    ]
    return "\n".join(lines) + "\n"


def nameservers(resolv_conf: str) -> list[str]:
    """The IP addresses of the ``nameserver`` lines of a resolv.conf."""
    found = []
    for line in resolv_conf.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] == "nameserver":
            try:
                found.append(str(ipaddress.ip_address(parts[1].split("%")[0])))
            except ValueError:
                continue
    return found
