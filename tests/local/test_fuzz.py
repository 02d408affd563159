"""Schemathesis against a running engine, bounded for CI: every implemented operation, every check.

The long run is ``bench/fuzz.py``. The engine is its own (not the shared one): the stateful phase
creates, suspends and shuts down devboxes.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis

from runloop_api import RunloopAPI
from runloop_api.types import DevboxView, ExecUpdateChunkView
from runloop_local import LocalEngine
from runloop_local.app import implemented_operations

from ._fuzz import EXCLUDED, SPEC_PATH, FuzzReport, fuzz_schema, run_fuzz

pytestmark = pytest.mark.timeout(240)


@pytest.fixture(scope="module")
def report() -> Iterator[FuzzReport]:
    with LocalEngine() as engine:
        with RunloopAPI(base_url=engine.base_url, bearer_token=engine.token) as api:
            devbox = api.devboxes.create_and_await_running(name="fuzz")
        schema = fuzz_schema(engine.base_url, engine.token, max_examples=2, seed=12, devbox_id=devbox.id)
        yield run_fuzz(schema)


def test_every_implemented_operation_is_fuzzed(report: FuzzReport) -> None:
    fuzzed = {label for label, op in report.operations.items() if op.cases}
    wanted = {f"{m} {p}" for (m, p), op in implemented_operations().items() if op not in EXCLUDED}
    assert wanted <= fuzzed, sorted(wanted - fuzzed)
    assert not report.errors, report.errors


def test_no_check_fails_and_no_server_error(report: FuzzReport) -> None:
    assert not report.failure_lines(), "\n".join(report.failure_lines())
    assert report.server_errors == 0


def test_devbox_operations_reach_their_handlers_and_their_404s(report: FuzzReport) -> None:
    for label in (
        "GET /v1/devboxes/{id}",
        "POST /v1/devboxes/{id}/execute",
        "POST /v1/devboxes/{id}/execute_async",
        "POST /v1/devboxes/{id}/write_file_contents",
        "GET /v1/devboxes/{id}/logs",
    ):
        statuses = report.operations[label].statuses
        assert statuses[404], (label, statuses)
        assert sum(n for s, n in statuses.items() if 200 <= s < 300), (label, statuses)


def test_streamed_output_events_conform_to_the_contract(
    api: RunloopAPI, devbox: DevboxView, engine: LocalEngine
) -> None:
    """Each server-sent event of a stream is what its media type's schema describes (an event whose
    `data` is the JSON of the `x-streaming` event-schema), as schemathesis checks it."""
    run = api.devboxes.execute(devbox.id, command="echo out; echo err >&2", command_id="sse-conformance")
    schema = schemathesis.openapi.from_path(SPEC_PATH)
    for name in ("stdout", "stderr"):
        operation = schema[f"/v1/devboxes/{{devbox_id}}/executions/{{execution_id}}/stream_{name}_updates"][
            "GET"
        ]
        case = operation.Case(
            path_parameters={"devbox_id": devbox.id, "execution_id": run.execution_id},
            headers={"Authorization": f"Bearer {engine.token}"},
        )
        response = case.call(base_url=engine.base_url)
        assert response.content == f'data: {{"output":"{name[3:]}\\n","offset":4}}\n\n'.encode()
        operation.validate_response(response)  # raised "output is a required property" before
        event_schema = operation.definition.raw["x-streaming"]["event-schema"]
        assert event_schema == "#/components/schemas/ExecUpdateChunkView"
        chunk = ExecUpdateChunkView.model_validate_json(response.content.removeprefix(b"data: "))
        assert chunk.output == f"{name[3:]}\n"
