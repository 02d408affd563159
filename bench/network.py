#!/usr/bin/env python3
"""What a network policy costs a devbox: create -> running and ``execute('echo hi')``, by policy.

Kinds, measured in turns (one create of each per round) so a shared machine's load hits all alike:

- ``none``: no policy (the host's network, as before policies existed);
- ``allow_all``: an allow-all policy (the host's network too);
- ``deny_all``: a network namespace with loopback only;
- ``hostnames``: the same namespace plus the engine's egress proxy listening inside it;
- ``cidrs``: the namespace connected by pasta, filtered by nftables (skipped without pasta/nft).

Then p50 of ``execute('echo hi')`` on one running devbox of ``none`` and of ``cidrs``: a policy
must not slow commands down.

Usage: python bench/network.py [--rounds N] [--execs N]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
import uuid
from typing import Any

from runloop_api import RunloopAPI
from runloop_local import LocalEngine


def _create_running(api: RunloopAPI, policy_id: str | None) -> tuple[str, float]:
    params: dict[str, Any] = {"launch_parameters": {"network_policy_id": policy_id}} if policy_id else {}
    started = time.perf_counter()
    view = api.devboxes.create(**params)
    running = api.devboxes.wait_for_status(view.id, statuses=["running", "failure"], timeout_seconds=30)
    elapsed = (time.perf_counter() - started) * 1000
    if running.status != "running":
        raise SystemExit(f"devbox {view.id} ended {running.status}")
    return view.id, elapsed


def _exec_p50(api: RunloopAPI, devbox_id: str, n: int) -> float:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        api.devboxes.execute(devbox_id, command="echo hi", command_id=str(uuid.uuid4()))
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> int:
    """Runs the benchmark and prints its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--execs", type=int, default=200)
    args = parser.parse_args()
    with LocalEngine() as engine, RunloopAPI(base_url=engine.base_url, bearer_token=engine.token) as api:
        kinds: dict[str, str | None] = {
            "none": None,
            "allow_all": api.network_policies.create(name="all", allow_all=True).id,
            "deny_all": api.network_policies.create(name="deny").id,
            "hostnames": api.network_policies.create(name="hosts", allowed_hostnames=["pypi.org"]).id,
        }
        if shutil.which("pasta") and shutil.which("nft"):
            kinds["cidrs"] = api.network_policies.create(
                name="cidrs", allowed_cidrs=[{"cidr": "10.0.0.0/8", "ports": [{"port": 443}]}]
            ).id
        for policy in kinds.values():  # warm-up
            api.devboxes.shutdown(_create_running(api, policy)[0])
        creates: dict[str, list[float]] = {kind: [] for kind in kinds}
        for _ in range(args.rounds):
            for kind, policy in kinds.items():
                id, ms = _create_running(api, policy)
                creates[kind].append(ms)
                api.devboxes.shutdown(id)
        print(f"create -> running, p50 of {args.rounds} (in turns):")
        base = statistics.median(creates["none"])
        for kind, times in creates.items():
            p50 = statistics.median(times)
            print(f"  {kind:10s} p50 {p50:7.1f} ms  (+{p50 - base:5.1f} ms)  max {max(times):7.1f} ms")
        last = "cidrs" if "cidrs" in kinds else "deny_all"
        boxes = {kind: _create_running(api, kinds[kind])[0] for kind in ("none", last)}
        for id in boxes.values():
            _exec_p50(api, id, 20)
        p50s: dict[str, list[float]] = {kind: [] for kind in boxes}
        for _ in range(5):  # in turns
            for kind, id in boxes.items():
                p50s[kind].append(_exec_p50(api, id, args.execs // 5))
        print("execute('echo hi') p50:")
        for kind, values in p50s.items():
            print(f"  {kind:10s} {statistics.median(values):6.2f} ms")
        for id in boxes.values():
            api.devboxes.shutdown(id)
    return 0


if __name__ == "__main__":
    sys.exit(main())
