"""How much ``devbox.cmd.exec("echo hi")`` costs on the embedded local engine.

Counts the HTTP requests one call sends (an httpx event hook sees every request, retries
included) and times many calls.

Usage: python bench/sdk_exec.py [--iterations N]
"""

from __future__ import annotations

import argparse
import statistics
import time

import httpx

from runloop_sdk import RunloopSDK


def percentile(samples: list[float], fraction: float) -> float:
    """The sample below which ``fraction`` of the samples lie (nearest rank)."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--iterations", type=int, default=200, help="timed calls (default 200)")
    args = parser.parse_args()

    sent: list[str] = []
    http = httpx.Client(
        event_hooks={"request": [lambda request: sent.append(f"{request.method} {request.url.path}")]}
    )
    with RunloopSDK.local(http_client=http) as sdk, sdk.devbox.create(name="bench") as devbox:
        devbox.cmd.exec("echo warm-up")

        sent.clear()
        result = devbox.cmd.exec("echo hi")
        assert result.stdout() == "hi\n" and result.exit_code == 0
        print(f"requests for one devbox.cmd.exec('echo hi'): {len(sent)}")
        for line in sent:
            print(f"  {line}")

        sent.clear()
        latencies: list[float] = []
        for _ in range(args.iterations):
            started = time.perf_counter()
            devbox.cmd.exec("echo hi")
            latencies.append((time.perf_counter() - started) * 1000)
        timed = len(sent)  # before the shutdown at the end of the block adds its own request
        per_call = timed / args.iterations
        print(f"{args.iterations} calls: {per_call:.2f} requests per call")
        print(
            f"latency ms: p50 {percentile(latencies, 0.5):.2f}  p95 {percentile(latencies, 0.95):.2f}  "
            f"mean {statistics.mean(latencies):.2f}  min {min(latencies):.2f}  max {max(latencies):.2f}"
        )
    http.close()
    return 0 if timed == args.iterations else 1


if __name__ == "__main__":
    raise SystemExit(main())
