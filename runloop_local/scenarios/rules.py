"""Pure decisions of scenarios and their runs: checks, updates, state changes, a run's devbox, recovery."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from runloop_api.types import (
    RunProfile,
    ScenarioCreateParameters,
    ScenarioEnvironment,
    ScenarioUpdateParameters,
)

from ..devboxes.create_rules import check_launch_parameters
from ..http.errors import bad_request
from .records import ScenarioRecord

__all__ = [
    "ACTIVE_STATES",
    "TERMINAL_STATES",
    "check_contract",
    "check_environment",
    "check_requirements",
    "check_run_change",
    "check_scorer_timeout",
    "devbox_request",
    "new_scenario_fields",
    "recovery",
    "updated_fields",
]

ACTIVE_STATES = frozenset({"running", "scoring", "scored"})
"""States of a run whose devbox is kept."""
TERMINAL_STATES = frozenset({"completed", "canceled", "timeout", "failed"})
"""States a run never leaves."""

_CHANGES: dict[str, frozenset[str]] = {
    "running": frozenset({"scoring", "completed", "canceled", "failed", "timeout"}),
    "scoring": frozenset({"scored", "running", "completed", "canceled", "failed", "timeout"}),
    "scored": frozenset({"scoring", "completed", "canceled", "failed", "timeout"}),
}
"""Allowed state changes (``scoring -> running``: scoring cut short by an engine restart)."""

_ACTIONS = {"scoring": "score", "completed": "complete", "canceled": "cancel"}


def check_run_change(run_id: str, current: str, new: str) -> None:
    """Raises 400 when a run may not go from ``current`` to ``new``.

    Raises:
        ApiError: 400 naming the run, what was asked and the state it is in.
    """
    if new not in _CHANGES.get(current, frozenset()):
        action = _ACTIONS.get(new, f"move to {new}")
        raise bad_request(f"cannot {action} scenario run {run_id}: it is {current}")


def check_scorer_timeout(value: int | None) -> None:
    """Raises 400 for a scorer timeout that is not a positive number of seconds."""
    if value is not None and value <= 0:
        raise bad_request(
            f"invalid field `scorer_timeout_sec` {value}: expected a positive number of seconds"
        )


def check_contract(contract: Mapping[str, Any], field: str = "scoring_contract") -> None:
    """Checks a scoring contract: at least one function, unique non-empty names, weights >= 0 summing above 0.

    Raises:
        ApiError: 400 naming the bad function.
    """
    functions = contract.get("scoring_function_parameters") or []
    if not functions:
        raise bad_request(
            f"invalid field `{field}.scoring_function_parameters`: give at least one scoring function"
        )
    seen: set[str] = set()
    for n, fn in enumerate(functions):
        where = f"{field}.scoring_function_parameters[{n}]"
        name = str(fn.get("name") or "")
        if not name.strip():
            raise bad_request(f"invalid field `{where}.name`: it is empty")
        if name in seen:
            raise bad_request(f"invalid field `{where}.name`: {name!r} is used twice; names must be unique")
        seen.add(name)
        if float(fn.get("weight", 0)) < 0:
            raise bad_request(f"invalid field `{where}.weight`: it is negative")
    if sum(float(fn.get("weight", 0)) for fn in functions) <= 0:
        raise bad_request(f"invalid field `{field}.scoring_function_parameters`: the weights sum to 0")


def check_environment(env: ScenarioEnvironment | None) -> None:
    """A scenario's environment names a blueprint or a snapshot, not both, and launch parameters
    a devbox can be made with (refused now, not when a run starts).

    Raises:
        ApiError: 400.
    """
    if env is not None and env.blueprint_id and env.snapshot_id:
        raise bad_request(
            "invalid field `environment_parameters`: give `blueprint_id` or `snapshot_id`, not both"
        )
    if env is not None and env.working_directory is not None and not env.working_directory.startswith("/"):
        raise bad_request(
            f"invalid field `environment_parameters.working_directory` {env.working_directory!r}: give an absolute path"
        )
    if env is not None and env.launch_parameters is not None:
        check_launch_parameters(env.launch_parameters, "environment_parameters.launch_parameters")


def _dump(model: Any) -> Any:
    return None if model is None else model.model_dump(mode="json", exclude_none=True)


def new_scenario_fields(params: ScenarioCreateParameters) -> dict[str, Any]:
    """The fields of a new scenario's record (all but id and time), checked.

    Raises:
        ApiError: 400 naming the first bad field.
    """
    if not params.name.strip():
        raise bad_request("invalid field `name`: it is empty")
    contract = _dump(params.scoring_contract)
    check_contract(contract)
    check_environment(params.environment_parameters)
    check_scorer_timeout(params.scorer_timeout_sec)
    return {
        "name": params.name,
        "input_context": _dump(params.input_context),
        "scoring_contract": contract,
        "environment": _dump(params.environment_parameters),
        "metadata": dict(params.metadata or {}),
        "reference_output": params.reference_output,
        "required_environment_variables": list(params.required_environment_variables or []),
        "required_secret_names": list(params.required_secret_names or []),
        "scorer_timeout_sec": params.scorer_timeout_sec,
        "validation_type": params.validation_type,
    }


def updated_fields(rec: ScenarioRecord, params: ScenarioUpdateParameters) -> dict[str, Any]:
    """The fields an update changes: given fields replace, absent (null) ones stay; the input
    context and scoring contract are merged field by field.

    Raises:
        ApiError: 400 naming the first bad field.
    """
    changes: dict[str, Any] = {}
    if params.name is not None:
        if not params.name.strip():
            raise bad_request("invalid field `name`: it is empty")
        changes["name"] = params.name
    if params.input_context is not None:
        changes["input_context"] = {**rec.input_context, **_dump(params.input_context)}
    if (
        params.scoring_contract is not None
        and params.scoring_contract.scoring_function_parameters is not None
    ):
        contract = {**rec.scoring_contract, **_dump(params.scoring_contract)}
        check_contract(contract)
        changes["scoring_contract"] = contract
    if params.environment_parameters is not None:
        check_environment(params.environment_parameters)
        changes["environment"] = _dump(params.environment_parameters)
    if params.scorer_timeout_sec is not None:
        check_scorer_timeout(params.scorer_timeout_sec)
        changes["scorer_timeout_sec"] = params.scorer_timeout_sec
    simple = ("reference_output", "validation_type")
    changes.update({name: getattr(params, name) for name in simple if getattr(params, name) is not None})
    if params.metadata is not None:
        changes["metadata"] = dict(params.metadata)
    for name in ("required_environment_variables", "required_secret_names"):
        if getattr(params, name) is not None:
            changes[name] = list(getattr(params, name))
    return changes


def check_requirements(scenario: ScenarioRecord, profile: RunProfile | None) -> None:
    """A run profile gives every environment variable and secret its scenario requires.

    A required secret name is met by a ``runProfile.secrets`` entry of that environment
    variable name (the variable the scenario reads, mapped to one of the user's secrets).

    Raises:
        ApiError: 400 naming what is missing.
    """
    env = (profile.envVars if profile else None) or {}
    secrets = (profile.secrets if profile else None) or {}
    missing = [name for name in scenario.required_environment_variables if name not in env]
    if missing:
        raise bad_request(
            f"invalid field `runProfile.envVars`: scenario {scenario.id} requires {', '.join(missing)}"
        )
    missing = [name for name in scenario.required_secret_names if name not in secrets]
    if missing:
        raise bad_request(
            f"invalid field `runProfile.secrets`: scenario {scenario.id} requires the secret(s) {', '.join(missing)}"
        )


def devbox_request(run_id: str, scenario: ScenarioRecord, profile: RunProfile | None) -> dict[str, Any]:
    """The createDevbox body of a run's devbox: the scenario's environment with the profile on top.

    The profile's launch parameters override the environment's field by field; its variables,
    secrets and mounts are the devbox's.
    """
    env = scenario.environment or {}
    launch = dict(env.get("launch_parameters") or {})
    if profile is not None and profile.launchParameters is not None:
        launch.update(_dump(profile.launchParameters))
    body: dict[str, Any] = {
        "name": f"scenario-run-{run_id}",
        "metadata": {"scenario_id": scenario.id, "scenario_run_id": run_id},
    }
    for name in ("blueprint_id", "snapshot_id"):
        if env.get(name):
            body[name] = env[name]
    if launch:
        body["launch_parameters"] = launch
    if profile is not None:
        if profile.envVars:
            body["environment_variables"] = dict(profile.envVars)
        if profile.secrets:
            body["secrets"] = dict(profile.secrets)
        if profile.mounts:
            body["mounts"] = [_dump(m) for m in profile.mounts]
    return body


Recovery = Literal["keep", "resume", "fail"]


def recovery(run_state: str, devbox_status: str | None) -> Recovery:
    """What an engine that starts does with a run it finds unfinished.

    Args:
        run_state: The run's state (running, scoring or scored).
        devbox_status: Its devbox's status after the devbox service's own recovery, or None
            when the record is gone.

    Returns:
        ``keep`` (the devbox is up or on its way), ``resume`` (the devbox is suspended, its
        files intact: start it again and keep the run), ``fail`` (the devbox is gone).
    """
    if devbox_status in ("provisioning", "initializing", "running", "resuming"):
        return "keep"
    if devbox_status == "suspended":
        return "resume"
    return "fail"
