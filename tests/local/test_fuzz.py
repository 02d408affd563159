"""Schemathesis against a running engine, bounded for CI: every implemented operation, every check.

The long run is ``bench/fuzz.py``. The engine is its own (not the shared one): the stateful phase
creates, suspends and shuts down devboxes.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from runloop_api import RunloopAPI
from runloop_local import LocalEngine
from runloop_local.app import implemented_operations

from ._fuzz import EXCLUDED, FuzzReport, fuzz_schema, run_fuzz

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
