"""validateCustomScorer: a custom scorer run once, in a devbox made for it, with a given context."""

from __future__ import annotations

from typing import Any

from runloop_api.types import DevboxCreateParameters, ScenarioEnvironment, ScorerValidateResponse

from ..blueprints.service import BlueprintService
from ..devboxes.service import DevboxService
from ..http.errors import bad_request
from ..snapshots.service import SnapshotService
from .records import ScorerRecord

__all__ = ["BOOT_SECONDS", "SCORE_SECONDS", "validate_scorer"]

BOOT_SECONDS = 120.0
"""Longest wait for the validation devbox to run (its launch commands included)."""

SCORE_SECONDS = 600.0
"""Longest run of the scorer's script."""


async def validate_scorer(
    devboxes: DevboxService,
    blueprints: BlueprintService,
    snapshots: SnapshotService,
    rec: ScorerRecord,
    scoring_context: dict[str, Any],
    environment: ScenarioEnvironment | None,
) -> ScorerValidateResponse:
    """Runs ``rec``'s script with ``$RL_SCORER_CONTEXT`` = ``scoring_context`` in a new devbox.

    The devbox is made from ``environment`` (its blueprint or snapshot and launch parameters; the
    base devbox when None), the script runs in its ``working_directory``, and the devbox is shut
    down afterwards, whatever happened.

    Raises:
        ApiError: 400 for bad environment parameters or a devbox that did not start (the message
            names the devbox, whose logs say why); 404 for an unknown blueprint or snapshot.
    """
    env = environment or ScenarioEnvironment()
    for field in ("blueprint_id", "snapshot_id"):
        if getattr(env, field) == "":
            raise bad_request(f"invalid field `environment_parameters.{field}`: it is empty; leave it out")
    params = DevboxCreateParameters(
        name=f"validate scorer {rec.type}",
        blueprint_id=env.blueprint_id,
        snapshot_id=env.snapshot_id,
        launch_parameters=env.launch_parameters,
        metadata={"runloop_local.validates_scorer": rec.id},
    )
    if env.blueprint_id:
        box = await blueprints.create_devbox(params)
    else:
        box = await snapshots.create_devbox(params)
    try:
        done = await devboxes.wait_for_status(box.id, ["running", "failure", "shutdown"], BOOT_SECONDS)
        status = (done or devboxes.get(box.id)).status
        if status != "running":
            raise bad_request(
                f"cannot validate: the devbox made from `environment_parameters` ({box.id}) is "
                f"{status}, not running; its logs say why"
            )
        function = {
            "name": rec.type,
            "weight": 1.0,
            "scorer": {"type": "custom_scorer", "custom_scorer_type": rec.type},
        }
        result = await devboxes.scoring.score_function(
            box.id, function, context=scoring_context, timeout_s=SCORE_SECONDS, cwd=env.working_directory
        )
    finally:
        await devboxes.shutdown(box.id)
    return ScorerValidateResponse.model_validate(
        {
            "name": rec.type,
            "scoring_context": scoring_context,
            "scoring_result": result,
            "environment_parameters": environment,
        }
    )
