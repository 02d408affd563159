"""The contract the tests check against: the project's copy of the OpenAPI document, read directly.

The tests read the spec themselves rather than the code generator's view of it, so a generator
that drops or misnames an operation fails here.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from openapi_core import OpenAPI

SPEC_PATH = Path(__file__).resolve().parents[2] / "spec" / "runloop-openapi.yaml"
IN_SCOPE_TAGS = frozenset(
    {"Devbox", "Computer", "Blueprint", "Object", "Secret", "NetworkPolicy", "Agent", "Scenario", "Benchmark"}
)
EXPECTED_OPERATION_COUNT = 142
BASE_URL = "https://api.runloop.test"

# Operations the official client has no method for: the names this SDK promises instead.
SPEC_ONLY_NAMES = {
    "getBlueprintMetadataKeys": "blueprints.metadata_keys",
    "getBlueprintMetadataValues": "blueprints.metadata_values",
    "getPublicBlueprintMetadataKeys": "blueprints.public_metadata_keys",
    "getPublicBlueprintMetadataValues": "blueprints.public_metadata_values",
    "getDevboxMetadataKeys": "devboxes.metadata_keys",
    "getDevboxMetadataValues": "devboxes.metadata_values",
    "listPublicSnapshots": "devboxes.disk_snapshots.list_public",
    "getSnapshotMetadataKeys": "devboxes.disk_snapshots.metadata_keys",
    "getSnapshotMetadataValues": "devboxes.disk_snapshots.metadata_values",
    "getPublicSnapshotMetadataKeys": "devboxes.disk_snapshots.public_metadata_keys",
    "getPublicSnapshotMetadataValues": "devboxes.disk_snapshots.public_metadata_values",
    "getObjectMetadataKeys": "objects.metadata_keys",
    "getObjectMetadataValues": "objects.metadata_values",
    "tailDevboxLogs": "devboxes.logs.tail",
    "waitForDevboxStatus": "devboxes.wait_for_status",
    "waitForCommandCompletion": "devboxes.executions.wait_for_status",
    "getScenarioMetadataKeys": "scenarios.metadata_keys",
    "getScenarioMetadataValues": "scenarios.metadata_values",
    "getScenarioRuns": "scenarios.list_runs",
    "unarchiveScenario": "scenarios.unarchive",
    "getBenchmarkMetadataKeys": "benchmarks.metadata_keys",
    "getBenchmarkMetadataValues": "benchmarks.metadata_values",
    "archiveBenchmark": "benchmarks.archive",
    "unarchiveBenchmark": "benchmarks.unarchive",
    "getBenchmarkRuns": "benchmarks.list_runs",
    "downloadBenchmarkRunLogs": "benchmark_runs.download_logs",
    "listBenchmarkRunsDeprecated": "benchmarks.runs.list",
    "getBenchmarkRunDeprecated": "benchmarks.runs.retrieve",
    "cancelBenchmarkRunDeprecated": "benchmarks.runs.cancel",
    "completeBenchmarkRunDeprecated": "benchmarks.runs.complete",
    "downloadBenchmarkRunLogsDeprecated": "benchmarks.runs.download_logs",
    "listBenchmarkRunScenarioRunsDeprecated": "benchmarks.runs.list_scenario_runs",
}


@dataclass(frozen=True)
class SpecOperation:
    """One operation of the spec, and the client method that should send it."""

    operation_id: str
    method: str
    path: str
    op: dict[str, Any]
    client_method: str

    @property
    def media_type(self) -> str | None:
        """The request body's media type, or None without a body."""
        content = (self.op.get("requestBody") or {}).get("content") or {}
        return next(iter(content), None)

    @property
    def response_media_type(self) -> str | None:
        """The media type of the 200 answer, or None when it declares no content."""
        content = (self.op["responses"].get("200") or {}).get("content") or {}
        return next(iter(content), None)

    def __str__(self) -> str:
        return self.operation_id


@functools.cache
def load_spec() -> dict[str, Any]:
    """The OpenAPI document as plain data."""
    spec: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text())
    return spec


@functools.cache
def openapi() -> OpenAPI:
    """The openapi-core validator of the document, with our test base URL as its server."""
    spec = dict(load_spec())
    spec["servers"] = [{"url": BASE_URL}]
    return OpenAPI.from_dict(spec)


def _client_method(op: dict[str, Any]) -> str:
    if op["operationId"] in SPEC_ONLY_NAMES:
        return SPEC_ONLY_NAMES[op["operationId"]]
    names = [m.split(" ")[0] for m in op.get("x-client-methods") or [] if "(helper)" not in m]
    if not names:
        raise AssertionError(f"{op['operationId']} has no client method name in the spec")
    primary: str = max(names, key=lambda m: m.count("."))
    return primary


@functools.cache
def in_scope_operations() -> tuple[SpecOperation, ...]:
    """Every operation the raw layer must cover, in spec order."""
    found: list[SpecOperation] = []
    for path, item in load_spec()["paths"].items():
        for method, op in item.items():
            if method in {"get", "post", "put", "patch", "delete"} and IN_SCOPE_TAGS & set(
                op.get("tags", [])
            ):
                found.append(SpecOperation(op["operationId"], method.upper(), path, op, _client_method(op)))
    return tuple(found)


def schema_name(ref_holder: dict[str, Any]) -> str:
    """The component name a ``{"$ref": ...}`` schema points at."""
    ref: str = ref_holder["$ref"]
    return ref.rsplit("/", 1)[-1]
