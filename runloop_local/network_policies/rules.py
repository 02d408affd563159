"""Pure checks of network policy requests: names, CIDRs, ports and hostnames."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from typing import Any

from ..http.errors import bad_request

__all__ = ["check_cidrs", "check_hostnames", "check_name"]

_HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)\Z")
MAX_NAME = 256


def check_name(name: str) -> str:
    """A valid policy name (1 to 256 characters, not only spaces).

    Raises:
        ApiError: 400 naming the field.
    """
    if not name.strip() or len(name) > MAX_NAME:
        raise bad_request(f"invalid field `name` {name!r}: give 1 to {MAX_NAME} characters")
    return name


def check_hostnames(hostnames: Sequence[str], field: str = "allowed_hostnames") -> list[str]:
    """Allowed hostnames, lowercased: DNS names, ``*.`` wildcards, ``*``, or IP addresses.

    Raises:
        ApiError: 400 naming the bad entry.
    """
    out = []
    for i, raw in enumerate(hostnames):
        host = raw.strip().lower().rstrip(".")
        try:
            ipaddress.ip_address(host)
            out.append(host)
            continue
        except ValueError:
            pass
        labels = host.split(".")
        if labels[0] == "*":
            labels = labels[1:]
        if host == "*" or (labels and all(_HOST_LABEL.match(label) for label in labels)):
            out.append(host)
            continue
        raise bad_request(
            f"invalid field `{field}[{i}]` {raw!r}: expected a hostname such as example.com or *.example.com"
        )
    return out


def check_cidrs(cidrs: Sequence[dict[str, Any]], field: str = "allowed_cidrs") -> list[dict[str, Any]]:
    """Allowed CIDRs: IPv4 networks in canonical form, with valid port ranges.

    Raises:
        ApiError: 400 naming the bad entry.
    """
    for i, rule in enumerate(cidrs):
        where = f"{field}[{i}]"
        try:
            net = ipaddress.IPv4Network(rule["cidr"], strict=True)
        except ValueError as exc:
            raise bad_request(
                f"invalid field `{where}.cidr` {rule['cidr']!r}: expected an IPv4 CIDR with its host bits zero "
                f"(such as 10.12.0.0/16): {exc}"
            ) from None
        rule["cidr"] = str(net)
        for j, port in enumerate(rule.get("ports") or []):
            start, end = port["port"], port.get("end_port")
            if not 0 < start < 65536:
                raise bad_request(f"invalid field `{where}.ports[{j}].port` {start}: expected 1 to 65535")
            if end is not None and not start <= end < 65536:
                raise bad_request(
                    f"invalid field `{where}.ports[{j}].end_port` {end}: expected {start} to 65535"
                )
    return list(cidrs)
