"""Pure decisions of devbox networking: wiring, what is missing, the nftables filter, hostnames, proxy heads."""

from __future__ import annotations

import pytest

from runloop_local.network.proxy import parse_head
from runloop_local.network.rules import (
    CidrRule,
    Egress,
    HostCapabilities,
    PortRange,
    host_allowed,
    host_capability_notes,
    missing_for,
    nameservers,
    needs,
    nft_ruleset,
    split_host_port,
)

ALL_TOOLS = frozenset({"unshare", "nsenter", "setpriv", "pasta", "nft"})
CIDR = Egress(cidrs=(CidrRule("10.0.0.0/8"),), policy_id="npo_x")


def test_wiring_follows_the_policy() -> None:
    assert needs(Egress(allow_all=True, cidrs=CIDR.cidrs)) == "host"
    assert needs(Egress()) == "isolated"
    assert needs(Egress(hostnames=("pypi.org",))) == "isolated"
    assert needs(CIDR) == "routed"


def test_missing_names_what_to_install_or_change() -> None:
    full = HostCapabilities(root=True, sandboxed=True, tools=ALL_TOOLS)
    assert missing_for(CIDR, full) is None and host_capability_notes(full) == []
    no_pasta = HostCapabilities(root=True, sandboxed=True, tools=ALL_TOOLS - {"pasta"})
    assert missing_for(Egress(), no_pasta) is None
    message = missing_for(CIDR, no_pasta)
    assert message is not None and "pasta" in message and "apt-get install passt" in message
    assert ["allowed_cidrs" in note for note in host_capability_notes(no_pasta)] == [True]
    not_root = HostCapabilities(root=False, sandboxed=False, tools=ALL_TOOLS)
    message = missing_for(Egress(), not_root)
    assert message is not None and "root" in message and "bubblewrap" in message
    assert missing_for(Egress(allow_all=True), not_root) is None


def test_nft_ruleset_allows_loopback_dns_and_listed_networks_and_rejects_the_rest() -> None:
    rules = [
        CidrRule("192.0.2.1/32", (PortRange(8080, None, "TCP"), PortRange(9000, 9100, None))),
        CidrRule("10.0.0.0/8"),
    ]
    script = nft_ruleset(rules, ["10.255.255.53", "fe80::1"])
    lines = [line.strip() for line in script.splitlines()]
    assert "policy drop;" in lines[2] and lines[3] == 'oifname "lo" accept'
    assert "ip daddr 10.255.255.53 meta l4proto { tcp, udp } th dport 53 accept" in lines
    assert "ip daddr 192.0.2.1/32 tcp dport 8080 accept" in lines
    assert "ip daddr 192.0.2.1/32 meta l4proto { tcp, udp } th dport 9000-9100 accept" in lines
    assert "ip daddr 10.0.0.0/8 accept" in lines
    assert lines[-4:-2] == [
        "meta l4proto tcp reject with tcp reset",
        "reject with icmpx type admin-prohibited",
    ]
    assert "fe80" not in script


def test_nameservers_of_resolv_conf() -> None:
    text = "# x\nnameserver 10.0.0.2\nnameserver fe80::1%eth0\nnameserver bogus\nsearch lan\n"
    assert nameservers(text) == ["10.0.0.2", "fe80::1"]


@pytest.mark.parametrize(
    ("host", "patterns", "allowed"),
    [
        ("pypi.org", ["PyPI.org"], True),
        ("pypi.org.", ["pypi.org"], True),
        ("evilpypi.org", ["pypi.org"], False),
        ("files.pythonhosted.org", ["*.pythonhosted.org"], True),
        ("a.b.pythonhosted.org", ["*.pythonhosted.org"], True),
        ("pythonhosted.org", ["*.pythonhosted.org"], False),
        ("xpythonhosted.org", ["*.pythonhosted.org"], False),
        ("anything", ["*"], True),
        ("127.0.0.1", ["localhost"], False),
        ("10.0.0.1", ["10.0.0.1"], True),
        ("pypi.org", [], False),
    ],
)
def test_host_allowed(host: str, patterns: list[str], allowed: bool) -> None:
    assert host_allowed(host, patterns) is allowed


def test_split_host_port() -> None:
    assert split_host_port("pypi.org:443", 80) == ("pypi.org", 443)
    assert split_host_port("pypi.org", 80) == ("pypi.org", 80)
    assert split_host_port("[::1]:8080", 80) == ("::1", 8080)
    for bad in ("", ":80", "h:0", "h:70000", "h:x"):
        with pytest.raises(ValueError):
            split_host_port(bad, 80)


def test_proxy_heads() -> None:
    assert parse_head(b"CONNECT pypi.org:443 HTTP/1.1\r\nHost: pypi.org:443") == (
        "CONNECT",
        "pypi.org",
        443,
        b"",
    )
    method, host, port, head = parse_head(
        b"GET http://user@Example.com:8080/a?b=1 HTTP/1.1\r\nHost: example.com\r\nProxy-Connection: keep-alive\r\nAccept: */*"
    )
    assert (method, host, port) == ("GET", "Example.com", 8080)
    assert head == b"GET /a?b=1 HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\nConnection: close\r\n\r\n"
    assert parse_head(b"GET http://h HTTP/1.1")[3].startswith(b"GET / HTTP/1.1\r\n")
    for bad in (b"GET /relative HTTP/1.1", b"GET https://h/ HTTP/1.1", b"nonsense"):
        with pytest.raises(ValueError):
            parse_head(bad)
