"""Schemathesis against a running engine: every operation it implements, every default check.

Shared by ``tests/local/test_fuzz.py`` (a bounded run in CI) and ``bench/fuzz.py`` (a long run).
Runs schemathesis's own engine (the phases of ``schemathesis run``: coverage, fuzzing, stateful)
in this process and counts, per operation, the cases sent, the answers' statuses and the failed
checks.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import schemathesis
from pydantic import ValidationError
from schemathesis.core.failures import Failure
from schemathesis.engine import events
from schemathesis.engine.recorder import ScenarioRecorder
from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.schemas import BaseSchema

from runloop_api.types import BenchmarkJobCreateParameters, BlueprintBuildParameters, DevboxCreateParameters
from runloop_local.app import implemented_operations
from runloop_local.benchmarks.job_rules import check_job_spec
from runloop_local.blueprints.rules import check_build_request
from runloop_local.devboxes.create_rules import UNSUPPORTED_CREATE_FIELDS, check_create_params
from runloop_local.devboxes.sizes import check_size
from runloop_local.http.errors import ApiError

__all__ = ["CHECKS", "EXCLUDED", "FuzzReport", "OperationCounts", "fuzz_schema", "run_fuzz"]

SPEC_PATH = Path(__file__).resolve().parents[2] / "spec" / "runloop-openapi.yaml"

EXCLUDED = {
    # A websocket: schemathesis speaks plain HTTP only (tests/local/test_pty.py drives it).
    "connectDevboxPtySession": "websocket",
}
"""Implemented operations left out of the fuzz run, with why."""

CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "positive_data_acceptance",
    "missing_required_header",
    "unsupported_method",
    "allow_header_conformance",
    "use_after_free",
    "ensure_resource_availability",
)
"""Every check schemathesis has for a single-user API (the others test authorization between users)."""

REFUSED_BY_STATE = (
    # a devbox that is not running (or not suspended, for resume)
    "keepAliveDevbox",
    "suspendDevbox",
    "resumeDevbox",
    "executeCommand",
    "execAsyncCommand",
    "execSyncCommand",
    "createDiskSnapshot",
    "createDiskSnapshotAsync",
    "devboxReadFileContents",
    "devboxWriteFileContents",
    "devboxDownloadFile",
    "devboxUploadFile",
    "enableDevboxTunnel",  # also: it has a tunnel already
    "createDevboxPtyTunnel",
    # an execution that has ended
    "sendStdIn",
    "killAsyncExecution",
    # a computer whose desktop is not up yet (or whose devbox is not running)
    "keyboardInteraction",
    "mouseInteraction",
    "screenInteraction",
    # a terminal session without a foreground process, or an unknown signal name (both declared)
    "controlDevboxPtySession",
    # an object not uploaded yet, the engine's base blueprint, a page cursor naming no record
    "completeObject",
    "generateDownloadUrl",
    "deleteBlueprint",
    "listDevboxes",
    "listObjects",
    "listPublicObjects",
    "listImages",
    "listPublicBlueprints",
    "getDevboxDiskSnapshotList",
    # a network policy in use by a devbox; a page cursor naming no policy
    "deleteNetworkPolicy",
    "listNetworkPolicies",
    # a custom scorer type taken (the spec's 400); launch parameters a devbox refuses, or a devbox
    # that did not start from them, for validate; a page cursor naming no scorer
    "createCustomScorer",
    "updateCustomScorer",
    "validateCustomScorer",
    "listScenarioScorers",
    # an agent's storage object missing or not uploaded, a source type without its settings
    "createAgent",
    "listAgents",
    # a scoring contract the scoring rules refuse (a function without a name, weights summing to
    # 0, a scorer without the fields its type needs), an environment naming a blueprint and a
    # snapshot or a relative working directory; a scenario run that has ended or whose devbox is
    # not running; an archived scenario, or a run profile without what the scenario requires
    "createScenario",
    "updateScenario",
    "listScenarios",  # a benchmark_id filter naming no benchmark
    "startScenarioRun",
    "scoreScenarioRun",
    "completeScenarioRun",
    "cancelScenarioRun",
    # benchmarks: scenario ids naming no scenario, an archived benchmark, a run that ended, a
    # job without a spec (the schema lets it be absent: nothing to run), page cursors naming nothing
    "createBenchmark",
    "updateBenchmark",
    "updateBenchmarkScenarios",
    "startBenchmarkRun",
    "completeBenchmarkRun",
    "completeBenchmarkRunDeprecated",
    "createBenchmarkJob",
    "listBenchmarks",
    "getBenchmarkScenarioDefinitions",
    "getBenchmarkRuns",
    "listBenchmarkRuns",
    "listBenchmarkRunsDeprecated",
    "listBenchmarkRunScenarioRuns",
    "listBenchmarkRunScenarioRunsDeprecated",
    "listBenchmarkJobs",
)
"""Operations where a schema-valid request gets a 400 because of a resource's state, or of a
reference to one (the spec declares these 400s): positive_data_acceptance accepts a 400 there
(their bounds are still checked: negative_data_rejection, and the 400s' own messages)."""

REAL_ID_OPERATIONS = (
    "getDevbox",
    "updateDevbox",
    "listDevboxLogs",
    "getDevboxResourceUsage",
    "keepAliveDevbox",
    "waitForDevboxStatus",
    "executeCommand",
    "execAsyncCommand",
    "execSyncCommand",
    "devboxReadFileContents",
    "devboxWriteFileContents",
    "devboxDownloadFile",
    "devboxUploadFile",
    "queryAsyncCommand",
    "waitForCommandCompletion",
    "sendStdIn",
    "killAsyncExecution",
    "streamStdOutUpdates",
    "streamStdErrUpdates",
)
"""Operations on one devbox (not its shutdown, suspend or snapshots: the devbox is shared) that
get a real devbox id in half of their schema-valid cases, and one that does not exist in the
other half."""

STOPPING = ("shutdownDevbox", "suspendDevbox", "createDiskSnapshot", "createDiskSnapshotAsync")
"""Operations that would stop (or pause, to copy) the shared devbox: never sent its id."""

HOLDS = {
    "waitForDevboxStatus": "timeout_seconds",
    "waitForCommandCompletion": "timeout_seconds",
    "executeCommand": "optimistic_timeout",
}
"""Calls held until something happens, and the body field that bounds the hold: capped to 1 s."""

POLICY_WRITES = ("createNetworkPolicy", "updateNetworkPolicy")
_SCHEMA_BLIND = (b"exists", b"host bits", b"end_port")
"""400s of network policy writes the schema cannot declare: a name taken (state), a CIDR whose host
bits are not zero, a port range whose end is below its start."""


def _schema_blind(content: bytes) -> bool:
    return any(words in content for words in _SCHEMA_BLIND)


MISSING_ID = "dbx_fuzz_missing"
"""A devbox id that never exists."""

WAITS = ("waitForDevboxStatus", "waitForCommandCompletion")
"""Long-polls: a 408 is their declared "not yet" (or "never", for a status it cannot reach)."""


@dataclass
class OperationCounts:
    """What one operation got in a run."""

    cases: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)
    """Failed checks by check name."""
    examples: dict[str, str] = field(default_factory=dict)
    """The first failure of each check: its title, message and the request."""
    not_implemented: int = 0
    """501s to bodies with a field the engine documents as not implemented (not server errors)."""


@dataclass
class FuzzReport:
    """The counts of one run, by operation label (``POST /v1/devboxes``)."""

    operations: dict[str, OperationCounts] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    """Errors of the run itself (a schema or hook error), not of the engine."""

    @property
    def cases(self) -> int:
        """Cases sent over all operations."""
        return sum(op.cases for op in self.operations.values())

    @property
    def failures_by_check(self) -> Counter[str]:
        """Failed checks by check name, over all operations."""
        total: Counter[str] = Counter()
        for op in self.operations.values():
            total.update(op.failures)
        return total

    @property
    def server_errors(self) -> int:
        """Answers with a 5xx status (but the documented 501s of :attr:`OperationCounts.not_implemented`)."""
        total = sum(n for op in self.operations.values() for s, n in op.statuses.items() if s >= 500)
        return total - sum(op.not_implemented for op in self.operations.values())

    def failure_lines(self) -> list[str]:
        """One line per (operation, check) that failed, with its first example."""
        return [
            f"{label} {check} x{count}: {op.examples[check]}"
            for label, op in sorted(self.operations.items())
            for check, count in sorted(op.failures.items())
        ]

    def add(self, recorder: ScenarioRecorder) -> None:
        """Counts one finished scenario's cases, answers and checks."""
        for case_id, node in recorder.cases.items():
            label = node.value.operation.label
            counts = self.operations.setdefault(label, OperationCounts())
            counts.cases += 1
            interaction = recorder.interactions.get(case_id)
            if interaction is not None and interaction.response is not None:
                status = interaction.response.status_code
                counts.statuses[status] += 1
                if status == 501 and _unsupported(_operation_id(node.value.operation), node.value.body):
                    counts.not_implemented += 1
            for check in recorder.checks.get(case_id, ()):
                if check.failure_info is None:
                    continue
                failure = check.failure_info.failure
                counts.failures[check.name] += 1
                request = f"{node.value.method} {node.value.formatted_path}"
                if node.value.query:
                    request += f" query={node.value.query!r}"
                if node.value.body is not None and not isinstance(node.value.body, bytes):
                    request += f" body={node.value.body!r}"[:300]
                answer = ""
                if interaction is not None and interaction.response is not None:
                    answer = f" -> {interaction.response.status_code} {interaction.response.content[:200]!r}"
                counts.examples.setdefault(
                    check.name, f"{failure.title}: {failure.message} [{request}]{answer}".replace("\n", " ")
                )


def fuzz_schema(
    base_url: str,
    token: str,
    *,
    max_examples: int,
    seed: int,
    phases: Iterable[str] = ("coverage", "fuzzing", "stateful"),
    operations: Iterable[str] | None = None,
    devbox_id: str | None = None,
) -> BaseSchema:
    """The project's spec, narrowed to what the engine implements, set up to fuzz it.

    Args:
        base_url: The engine's URL.
        token: Its bearer token.
        max_examples: Cases per operation in the fuzzing phase (and steps of the stateful phase).
        seed: The random seed (generation is also derandomized, so a run repeats).
        phases: Schemathesis phases to run.
        operations: operationIds to fuzz; None for every implemented one but :data:`EXCLUDED`.
        devbox_id: A running devbox. Every other schema-valid case of :data:`REAL_ID_OPERATIONS`
            names it instead of a generated id, so they reach the handler as well as its 404;
            and the engine serves terminals of many devboxes, so ``/pty/...`` cases name it in a
            ``devbox_id`` query parameter the spec does not have.
    """
    wanted = set(operations) if operations is not None else set(implemented_operations().values())
    wanted -= set(EXCLUDED)
    phases = set(phases)
    config = schemathesis.Config.from_dict(
        {
            "seed": seed,
            "base-url": base_url,
            "headers": {"Authorization": f"Bearer {token}"},
            "workers": 1,
            "request-timeout": 60,
            "suppress-health-check": ["too_slow", "filter_too_much", "data_too_large"],
            "generation": {"max-examples": max_examples, "deterministic": True, "database": "none"},
            "checks": {name: {"enabled": True} for name in CHECKS},
            "phases": {
                name: {"enabled": name in phases} for name in ("examples", "coverage", "fuzzing", "stateful")
            },
        }
    )
    schema = schemathesis.openapi.from_path(SPEC_PATH, config=config).include(operation_id=sorted(wanted))

    @schema.hook
    def filter_body(context: schemathesis.HookContext, body: Any) -> bool:
        assert context.operation is not None
        return not _unsupported(_operation_id(context.operation), body)

    deleted_secrets: set[str] = set()

    @schema.hook
    def after_call(
        context: schemathesis.HookContext, case: schemathesis.Case[Any], response: schemathesis.Response
    ) -> None:
        if case.path == "/v1/secrets/{name}/delete" and response.status_code == 200:
            deleted_secrets.add(str((case.path_parameters or {}).get("name")))

    @schema.hook
    def filter_failure(
        context: schemathesis.HookContext,
        failure: Failure,
        case: schemathesis.Case[Any],
        response: schemathesis.Response,
    ) -> bool:
        operation_id = _operation_id(case.operation)
        if response.status_code == 501 and _unsupported(operation_id, case.body):
            return False  # the coverage phase sends bodies without asking filter_body
        if (
            "ensure_resource_availability" in failure.checks
            and case.path.startswith("/v1/objects/")
            and b"it was deleted" in response.content
        ):
            return False  # the object's ttl_ms ran out (the engine lists it as DELETED): no loss
        if (
            "ensure_resource_availability" in failure.checks
            and case.path == "/v1/secrets/{name}"
            and str((case.path_parameters or {}).get("name")) in deleted_secrets
        ):
            return False  # a step of the same stateful chain deleted that secret: no loss
        if not isinstance(failure, RejectedPositiveData):
            return True
        if response.status_code == 400 and _bad_env_names(case.body):
            return False  # OpenAPI 3.0 cannot say what a map's keys may be
        if response.status_code == 400 and _bad_size(case.body):
            return False  # the service documents its size steps in prose, not in the schema
        if response.status_code == 400 and _unnamed_agent_mount(case.body):
            return False  # "agent_id or agent_name": OpenAPI 3.0 cannot say one of two nullables is needed
        if operation_id in WAITS and response.status_code in (400, 408):
            return False
        if operation_id in POLICY_WRITES and response.status_code == 400 and _schema_blind(response.content):
            return False
        return not (operation_id in REFUSED_BY_STATE and response.status_code == 400)

    if devbox_id is not None:
        turns: Counter[str] = Counter()  # cases seen per operation: real ids for every other one

        @schema.hook
        def map_case(
            context: schemathesis.HookContext, case: schemathesis.Case[Any]
        ) -> schemathesis.Case[Any]:
            operation_id = _operation_id(case.operation)
            hold = HOLDS.get(operation_id)
            if hold is not None and isinstance(case.body, dict):
                # a real devbox or execution holds the answer up to the asked time (or the longest)
                asked = case.body.get(hold)
                if asked is None or (type(asked) is int and asked > 1):
                    case.body = {**case.body, hold: 1}
            if operation_id in STOPPING and devbox_id in case.path_parameters.values():
                # schemathesis reuses ids it saw in answers: the shared devbox must stay running
                case.path_parameters = {**case.path_parameters, "id": MISSING_ID}
            elif case.path.startswith("/pty/"):
                case.query = {**(case.query or {}), "devbox_id": devbox_id}
            elif (
                operation_id in REAL_ID_OPERATIONS
                and case.meta is not None
                and case.meta.generation.mode.is_positive
            ):
                # Half name the devbox, half one that does not exist (schemathesis would otherwise
                # reuse ids it saw in answers, so the 404 path might go untried).
                name = "devbox_id" if "devbox_id" in case.path_parameters else "id"
                turns[case.operation.label] += 1
                real = turns[case.operation.label] % 2 == 0
                case.path_parameters = {**case.path_parameters, name: devbox_id if real else MISSING_ID}
            return case

    return schema


def _operation_id(operation: schemathesis.APIOperation[Any, Any, Any, Any]) -> str:
    return str(operation.definition.raw.get("operationId", ""))


def _unsupported(operation_id: str, body: Any) -> bool:
    """Whether the engine's own rules answer ``body`` with a 501 (a field it does not implement)."""
    check = _CREATE_CHECKS.get(operation_id)
    if check is None or not isinstance(body, dict):
        return False
    try:
        check(body)
    except ApiError as exc:
        return exc.status == 501
    except ValidationError:
        return False
    return False


_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def _bad_env_names(body: Any) -> bool:
    """Whether a create's environment maps have a key no environment variable can have."""
    if not isinstance(body, dict):
        return False
    maps = [body.get("environment_variables"), body.get("secrets")]
    return any(isinstance(m, dict) and any(not _ENV_NAME.match(str(k)) for k in m) for m in maps)


def _bad_size(body: Any) -> bool:
    """Whether a create's launch parameters ask for a size off the service's documented steps."""
    lp = body.get("launch_parameters") if isinstance(body, dict) else None
    if not isinstance(lp, dict):
        return False
    try:
        check_size({key: value for key, value in lp.items() if value is not None})
    except ApiError:
        return True
    return False


def _unnamed_agent_mount(body: Any) -> bool:
    """Whether a create has an agent mount naming no agent (neither ``agent_id`` nor ``agent_name``)."""
    mounts = body.get("mounts") if isinstance(body, dict) else None
    return isinstance(mounts, list) and any(
        isinstance(m, dict)
        and m.get("type") == "agent_mount"
        and not m.get("agent_id")
        and not m.get("agent_name")
        for m in mounts
    )


def _check_devbox_create(body: dict[str, Any]) -> None:
    check_create_params(DevboxCreateParameters.model_validate(body), UNSUPPORTED_CREATE_FIELDS)


def _check_blueprint_build(body: dict[str, Any]) -> None:
    check_build_request(BlueprintBuildParameters.model_validate(body))


def _check_benchmark_job(body: dict[str, Any]) -> None:
    check_job_spec(BenchmarkJobCreateParameters.model_validate(body).spec)


_CREATE_CHECKS = {
    "createDevbox": _check_devbox_create,
    "createAndAwaitRunning": _check_devbox_create,
    "createBlueprint": _check_blueprint_build,
    "previewImage": _check_blueprint_build,
    "createBenchmarkJob": _check_benchmark_job,
}


def run_fuzz(schema: BaseSchema) -> FuzzReport:
    """Runs every phase of ``schema``'s config and counts what happened."""
    report = FuzzReport()
    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished | events.FuzzScenarioFinished):
            report.add(event.recorder)
        elif isinstance(event, events.NonFatalError):
            report.errors.append(f"{event.label}: {event.info.format()}")
        elif isinstance(event, events.FatalError):
            report.errors.append(f"fatal: {event.exception!r}")
    return report
