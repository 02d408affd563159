"""What the engine cannot be made to show, through a scripted API: a run's devbox that never
comes up (the run is canceled), and a benchmark run whose next scenario run never starts."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from runloop_sdk import PollingConfig, PollingTimeoutError, RunloopSDK

SHORT = PollingConfig(interval=0.01, max_attempts=None, timeout=0.3)


class StuckAPI:
    """Scenario and benchmark runs whose devboxes stay ``provisioning``; records the requests."""

    def __init__(self) -> None:
        self.run_state = "running"
        self.calls: list[str] = []

    def _run(self, id: str, started: int = 1) -> dict[str, Any]:
        return {
            "id": id,
            "devbox_id": "dbx_1",
            "metadata": {},
            "scenario_id": "scn_1",
            "state": self.run_state,
            "start_time_ms": started,
        }

    def __call__(self, request: httpx.Request) -> httpx.Response:
        call = f"{request.method} {request.url.path}"
        self.calls.append(call)
        if call == "POST /v1/scenarios/start_run":
            return httpx.Response(200, json=self._run("scr_1"))
        if call == "GET /v1/scenarios/runs/scr_1":
            return httpx.Response(200, json=self._run("scr_1"))
        if call == "POST /v1/scenarios/runs/scr_1/cancel":
            self.run_state = "canceled"
            return httpx.Response(200, json=self._run("scr_1"))
        if call in ("POST /v1/devboxes/dbx_1/wait_for_status", "GET /v1/devboxes/dbx_1"):
            return httpx.Response(
                200,
                json={
                    "id": "dbx_1",
                    "status": "provisioning",
                    "create_time_ms": 1,
                    "capabilities": [],
                    "launch_parameters": {},
                    "metadata": {},
                    "state_transitions": [],
                },
            )
        if call == "GET /v1/benchmark_runs/bmr_1":
            return httpx.Response(
                200,
                json={
                    "id": "bmr_1",
                    "benchmark_id": "bmd_1",
                    "metadata": {},
                    "start_time_ms": 1,
                    "state": "running",
                },
            )
        if call == "GET /v1/benchmarks/bmd_1":
            return httpx.Response(
                200,
                json={
                    "id": "bmd_1",
                    "name": "b",
                    "metadata": {},
                    "is_public": False,
                    "scenarioIds": ["scn_1", "scn_2"],
                    "required_environment_variables": [],
                    "required_secret_names": [],
                    "status": "active",
                    "attribution": "",
                    "description": "",
                },
            )
        if call == "GET /v1/benchmark_runs/bmr_1/scenario_runs":
            return httpx.Response(200, json={"runs": [self._run("scr_1")], "has_more": False})
        return httpx.Response(
            404, json={"message": f"no route {call} ({json.dumps(dict(request.url.params))})"}
        )


@pytest.fixture
def stuck() -> StuckAPI:
    return StuckAPI()


@pytest.fixture
def sdk(stuck: StuckAPI) -> Any:
    http = httpx.Client(transport=httpx.MockTransport(stuck))
    with RunloopSDK(
        bearer_token="t", base_url="http://stuck.test", http_client=http, polling=SHORT
    ) as client:
        yield client
    http.close()


def test_a_run_whose_devbox_never_comes_up_is_canceled(sdk: RunloopSDK, stuck: StuckAPI) -> None:
    with pytest.raises(PollingTimeoutError, match="devbox dbx_1 to be running"):
        sdk.scenario.from_id("scn_1").run(run_name="stuck")
    assert stuck.calls.count("POST /v1/scenarios/runs/scr_1/cancel") == 1
    assert stuck.run_state == "canceled"


def test_a_benchmark_run_whose_next_scenario_run_never_starts(sdk: RunloopSDK) -> None:
    stream = iter(sdk.benchmark.run_from_id("bmr_1").stream_scenario_runs())
    assert next(stream).id == "scr_1"
    with pytest.raises(PollingTimeoutError, match="the next scenario run of benchmark run bmr_1"):
        next(stream)
