#!/usr/bin/env python3
"""Per-call cost of the raw client, beside the floor and the official client, over one in-process transport.

Each contender fetches the same devbox (``GET /v1/devboxes/{id}``) through an
``httpx.MockTransport`` that answers with fixed bytes, so only client-side work is measured:

- ``floor``: raw httpx ``client.get(url)`` plus ``DevboxView.model_validate_json(resp.content)``,
  the least any typed client can do;
- ``runloop_api``: ``api.devboxes.retrieve(id)`` of this package (sync);
- ``official``: ``runloop_api_client.Runloop().devboxes.retrieve(id)``, when it is installed.

Rounds are interleaved and medians reported, so a noisy neighbour on a shared machine slows every
contender alike instead of deciding the result; the ratios are the medians of each round's own
ratio (neighbouring measurements share the machine's load). Exits 1 when ours costs more than
1.25x the floor.

Usage: python bench/raw_overhead.py [--rounds N] [--calls N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable

import httpx

from runloop_api import RunloopAPI
from runloop_api.types import DevboxView

BASE_URL = "http://bench.runloop.test"
DEVBOX_ID = "dbx_2zXkR4bYq8TfLmP1"
TARGET_RATIO = 1.25

# A realistic running devbox, as the API returns it.
DEVBOX = {
    "id": DEVBOX_ID,
    "name": "agent-workspace-17",
    "status": "running",
    "create_time_ms": 1_763_800_000_123,
    "end_time_ms": None,
    "blueprint_id": "bpt_31Yx0aQe7hKfZ2",
    "snapshot_id": None,
    "initiator_type": "api",
    "initiator_id": "usr_9f8e7d6c",
    "failure_reason": None,
    "shutdown_reason": None,
    "capabilities": ["docker_in_docker"],
    "metadata": {"team": "agents", "run": "eval-2026-11-22", "owner": "ci"},
    "launch_parameters": {
        "resource_size_request": "MEDIUM",
        "keep_alive_time_seconds": 3600,
        "after_idle": {"idle_time_seconds": 1800, "on_idle": "suspend"},
        "launch_commands": ["pip install -r requirements.txt", "npm ci"],
        "available_ports": [8080, 3000],
        "architecture": "x86_64",
        "custom_cpu_cores": None,
        "custom_gb_memory": None,
        "custom_disk_size": None,
        "user_parameters": {"username": "user", "uid": 1000},
    },
    "state_transitions": [
        {"status": "provisioning", "transition_time_ms": 1_763_800_000_123},
        {"status": "initializing", "transition_time_ms": 1_763_800_002_456},
        {"status": "running", "transition_time_ms": 1_763_800_009_789},
    ],
    "tunnel": {
        "tunnel_key": "tk_8s7d6f5g",
        "auth_mode": "open",
        "create_time_ms": 1_763_800_010_000,
        "http_keep_alive": True,
        "wake_on_http": False,
    },
}
BODY = json.dumps(DEVBOX).encode()


def answer(request: httpx.Request) -> httpx.Response:
    """The in-process server: the same bytes for every request."""
    return httpx.Response(200, content=BODY, headers={"content-type": "application/json"})


def transport() -> httpx.MockTransport:
    return httpx.MockTransport(answer)


def floor_call() -> Callable[[], object]:
    client = httpx.Client(transport=transport())
    url = f"{BASE_URL}/v1/devboxes/{DEVBOX_ID}"

    def call() -> object:
        response = client.get(url)
        return DevboxView.model_validate_json(response.content)

    return call


def ours_call() -> Callable[[], object]:
    api = RunloopAPI(bearer_token="bench", base_url=BASE_URL, http_client=httpx.Client(transport=transport()))
    return lambda: api.devboxes.retrieve(DEVBOX_ID)


def official_call() -> Callable[[], object] | None:
    try:
        from runloop_api_client import Runloop
    except ImportError:
        return None
    client = Runloop(bearer_token="bench", base_url=BASE_URL, http_client=httpx.Client(transport=transport()))
    return lambda: client.devboxes.retrieve(DEVBOX_ID)


def time_calls(call: Callable[[], object], calls: int) -> float:
    """Microseconds per call over ``calls`` back-to-back calls."""
    start = time.perf_counter()
    for _ in range(calls):
        call()
    return (time.perf_counter() - start) / calls * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=31, help="interleaved rounds (default 31)")
    parser.add_argument("--calls", type=int, default=200, help="calls per contender per round (default 200)")
    args = parser.parse_args()

    contenders: dict[str, Callable[[], object]] = {"floor": floor_call(), "runloop_api": ours_call()}
    official = official_call()
    if official is not None:
        contenders["official"] = official
    for call in contenders.values():
        assert isinstance(call(), object)
        time_calls(call, 50)  # warm up: imports, caches, connection set-up

    samples: dict[str, list[float]] = {name: [] for name in contenders}
    for round_no in range(args.rounds):
        # Rotate the order so no contender always runs right after another.
        names = list(contenders)
        names = names[round_no % len(names) :] + names[: round_no % len(names)]
        for name in names:
            samples[name].append(time_calls(contenders[name], args.calls))

    medians = {name: statistics.median(values) for name, values in samples.items()}
    ratios = {
        name: statistics.median(v / f for v, f in zip(values, samples["floor"], strict=True))
        for name, values in samples.items()
    }
    print(f"GET /v1/devboxes/{{id}} over httpx.MockTransport, {len(BODY)} byte DevboxView")
    print(f"medians of {args.rounds} interleaved rounds x {args.calls} calls\n")
    print(f"{'contender':<14}{'us/call':>10}{'x floor':>10}")
    for name, value in medians.items():
        print(f"{name:<14}{value:>10.1f}{ratios[name]:>10.2f}")
    ratio = ratios["runloop_api"]
    if "official" in samples:
        per_round = zip(samples["official"], samples["runloop_api"], strict=True)
        print(f"\nofficial / runloop_api: {statistics.median(o / r for o, r in per_round):.2f}x")
    verdict = "OK" if ratio <= TARGET_RATIO else "MISSED"
    print(f"runloop_api / floor: {ratio:.2f} (target <= {TARGET_RATIO}): {verdict}")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    raise SystemExit(main())
