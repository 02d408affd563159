# Generated from runloop_sdk/_async/scorer.py by scripts/unasync.py. Do not edit.
"""``Scorer``: a custom scoring script, registered once and named by scenarios' scoring contracts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from typing_extensions import Unpack

from runloop_api.types import ScenarioScorerView, ScorerValidateResponse

from .._base.options import MutationOptions, RequestOptions
from ._context import ClientContext

__all__ = ["Scorer"]


class Scorer:
    """A custom scorer: a bash script whose last line of output is a score in [0, 1].

    The script reads its context, as JSON, from ``$RL_SCORER_CONTEXT``.

    Example:
        >>> scorer = sdk.scorer.create(type="my_scorer", bash_script='echo "1.0"')
        >>> scorer.update(bash_script='echo "0.5"')
        >>> (scorer.validate(scoring_context={"output": "hello"})).scoring_result.score
        0.5
    """

    def __init__(self, ctx: ClientContext, scorer_id: str) -> None:
        self._ctx = ctx
        self._id = scorer_id

    def __repr__(self) -> str:
        return f"Scorer(id={self._id!r})"

    @property
    def id(self) -> str:
        """The scorer's id."""
        return self._id

    def get_info(self, **options: Unpack[RequestOptions]) -> ScenarioScorerView:
        """Reads the scorer's view (type and script) from the server."""
        return self._ctx.api.scenarios.scorers.retrieve(self._id, **options)

    def update(
        self,
        *,
        bash_script: str | None = None,
        type: str | None = None,
        **options: Unpack[MutationOptions],
    ) -> ScenarioScorerView:
        """Replaces the scorer's script and/or type; what is not given is kept.

        The API takes both on every update, so when one is missing it is read first.

        Args:
            bash_script: The new script.
            type: The new type name.
            **options: Request options of the update.

        Raises:
            TypeError: When neither is given.
        """
        if bash_script is None and type is None:
            raise TypeError("scorer.update() needs bash_script= or type=")
        if bash_script is None or type is None:
            current = self.get_info()
            bash_script = current.bash_script if bash_script is None else bash_script
            type = current.type if type is None else type
        return self._ctx.api.scenarios.scorers.update(self._id, bash_script=bash_script, type=type, **options)

    def validate(
        self,
        *,
        scoring_context: Mapping[str, Any],
        environment_parameters: Mapping[str, Any] | None = None,
        **options: Unpack[MutationOptions],
    ) -> ScorerValidateResponse:
        """Runs the scorer once on a context and answers its result (``.scoring_result.score``).

        Args:
            scoring_context: The JSON the script sees as ``$RL_SCORER_CONTEXT``.
            environment_parameters: Where to run it (a blueprint or snapshot); default: a plain devbox.
            **options: Request options.
        """
        return self._ctx.api.scenarios.scorers.validate(
            self._id,
            scoring_context=dict(scoring_context),
            environment_parameters=dict(environment_parameters)
            if environment_parameters is not None
            else None,
            **options,
        )
