"""Pure rules of scoring: contract checks, weights, reading a score, result views.

A script scorer's score is the last non-empty line of its standard output: a number in
``[0, 1]``. Anything else makes the function's result ``error`` (score 0) with an output that
says why. A command scorer's (and a test based scorer's) score is 1.0 for exit status 0, else 0.0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from ..http.errors import bad_request

__all__ = [
    "MAX_OUTPUT_CHARS",
    "SCORER_TYPES",
    "ScoreUnreadable",
    "check_contract",
    "check_function",
    "clip_output",
    "exit_score",
    "normalised_weights",
    "parse_score",
    "python_version_fits",
    "result_view",
    "weighted_score",
]

SCORER_TYPES = (
    "ast_grep_scorer",
    "bash_script_scorer",
    "command_scorer",
    "custom_scorer",
    "python_script_scorer",
    "test_based_scorer",
)
"""The spec's BuiltInScoringFunction types; the engine runs each of them in the devbox."""

MAX_OUTPUT_CHARS = 64 * 1024
"""Most characters of a function's output kept in its result (the end of it)."""

_REQUIRED = {
    "ast_grep_scorer": ("pattern", "search_directory"),
    "bash_script_scorer": ("bash_script",),
    "command_scorer": ("command",),
    "custom_scorer": ("custom_scorer_type",),
    "python_script_scorer": ("python_script",),
    "test_based_scorer": ("test_command",),
}


class ScoreUnreadable(ValueError):
    """A script's output holds no score; the message says why."""


def check_function(function: Mapping[str, Any], where: str = "scoring_function") -> None:
    """Checks one ScoringFunction (JSON) before it is run.

    Raises:
        ApiError: 400 naming the field.
    """
    if not isinstance(function, Mapping):
        raise bad_request(f"invalid field `{where}`: expected an object")
    name = function.get("name")
    if not isinstance(name, str) or not name.strip():
        raise bad_request(f"invalid field `{where}.name`: give the function a name")
    weight = function.get("weight")
    if (
        isinstance(weight, bool)
        or not isinstance(weight, (int, float))
        or not math.isfinite(weight)
        or weight < 0
    ):
        raise bad_request(f"invalid field `{where}.weight` {weight!r}: expected a number >= 0")
    scorer = function.get("scorer")
    if not isinstance(scorer, Mapping):
        raise bad_request(f"invalid field `{where}.scorer`: expected an object with a `type`")
    kind = scorer.get("type")
    if kind not in SCORER_TYPES:
        raise bad_request(
            f"invalid field `{where}.scorer.type` {kind!r}: expected one of {', '.join(SCORER_TYPES)}"
        )
    for field in _REQUIRED[str(kind)]:
        value = scorer.get(field)
        if not isinstance(value, str) or not value.strip():
            raise bad_request(f"invalid field `{where}.scorer.{field}`: a {kind} needs it")
    for n, test_file in enumerate(scorer.get("test_files") or []):
        path = test_file.get("file_path") if isinstance(test_file, Mapping) else None
        if not isinstance(path, str) or not path or "\0" in path:
            raise bad_request(f"invalid field `{where}.scorer.test_files[{n}].file_path`: give a file path")


def check_contract(contract: Mapping[str, Any], where: str = "scoring_contract") -> list[dict[str, Any]]:
    """Checks a ScoringContract (JSON) and answers its scoring functions.

    Names must be unique (results are reported by name) and, when there are functions, their
    weights must not all be 0 (they are normalised to sum to 1).

    Raises:
        ApiError: 400 naming the field.
    """
    functions = contract.get("scoring_function_parameters") if isinstance(contract, Mapping) else None
    if not isinstance(functions, list):
        raise bad_request(f"invalid field `{where}.scoring_function_parameters`: expected a list")
    seen: set[str] = set()
    for n, function in enumerate(functions):
        check_function(function, f"{where}.scoring_function_parameters[{n}]")
        if function["name"] in seen:
            raise bad_request(
                f"invalid field `{where}.scoring_function_parameters[{n}].name`: "
                f"{function['name']!r} is used twice"
            )
        seen.add(function["name"])
    if functions and not sum(float(f["weight"]) for f in functions) > 0:
        raise bad_request(f"invalid field `{where}.scoring_function_parameters`: every weight is 0")
    return [dict(f) for f in functions]


def normalised_weights(weights: Sequence[float]) -> list[float]:
    """Weights scaled to sum to 1 (all 0 or none: all 0)."""
    total = float(sum(weights))
    if total <= 0:
        return [0.0 for _ in weights]
    return [float(w) / total for w in weights]


def weighted_score(weights: Sequence[float], scores: Sequence[float]) -> float:
    """The contract's score: the sum of each function's score times its normalised weight, in [0, 1]."""
    total = sum(w * s for w, s in zip(normalised_weights(weights), scores, strict=True))
    return min(1.0, max(0.0, total))


def parse_score(stdout: str) -> float:
    """The score a script printed: its last non-empty line, a number in [0, 1].

    Raises:
        ScoreUnreadable: No output, or the last line is not such a number.
    """
    lines = [line.strip() for line in stdout.splitlines() if line.strip()]
    if not lines:
        raise ScoreUnreadable("the script printed nothing: its last line of output must be a score in [0, 1]")
    last = lines[-1]
    try:
        score = float(last)
    except ValueError:
        raise ScoreUnreadable(
            f"the last line of output {last[:200]!r} is not a number: print a score in [0, 1] last"
        ) from None
    if not 0.0 <= score <= 1.0:  # also refuses nan
        raise ScoreUnreadable(f"the score {last!r} is outside [0, 1]")
    return score


def exit_score(code: int) -> float:
    """A command's score: 1.0 when it exited 0, else 0.0."""
    return 1.0 if code == 0 else 0.0


def clip_output(text: str) -> str:
    """The end of an output, at most :data:`MAX_OUTPUT_CHARS` characters (with a note when cut)."""
    if len(text) <= MAX_OUTPUT_CHARS:
        return text
    return f"[... {len(text) - MAX_OUTPUT_CHARS} characters cut ...]\n" + text[-MAX_OUTPUT_CHARS:]


def result_view(name: str, score: float, state: str, output: str) -> dict[str, Any]:
    """A ScoringFunctionResultView as JSON (``state``: ``complete`` or ``error``)."""
    return {"scoring_function_name": name, "score": score, "state": state, "output": clip_output(output)}


_OPS = ("~=", "==", "!=", ">=", "<=", ">", "<")


def _version(text: str) -> tuple[int, ...]:
    parts = text.strip().rstrip(".*").split(".")
    if not text.strip() or not all(p.isdigit() for p in parts):
        raise ValueError(text)
    return tuple(int(p) for p in parts)


def python_version_fits(version: str, constraint: str) -> bool:
    """Whether a Python version (``3.12.1``) meets a constraint such as ``>=3.10,<4`` or ``3.11``.

    Clauses are comma separated, each an operator (``>=``, ``<=``, ``>``, ``<``, ``==``,
    ``!=``, ``~=``) and a version; a bare version (or ``==3.11.*``) matches that release series.
    A version or constraint that cannot be read does not fit.
    """
    try:
        have = _version(version)
        for clause in (c.strip() for c in constraint.split(",")):
            op = next((o for o in _OPS if clause.startswith(o)), "")
            want = _version(clause[len(op) :])
            if not _meets(have, op or "==", want):
                return False
    except ValueError:
        return False
    return True


def _meets(have: tuple[int, ...], op: str, want: tuple[int, ...]) -> bool:
    prefix = have[: len(want)]  # `3.11` and `3.11.*`: the release series
    if op == "==":
        return prefix == want
    if op == "!=":
        return prefix != want
    if op == "~=":  # ~=3.10: >=3.10 and 3.*
        return have >= want and have[: max(1, len(want) - 1)] == want[: max(1, len(want) - 1)]
    size = max(len(have), len(want))  # ordering as PEP 440's: 3.12 is 3.12.0
    a, b = have + (0,) * (size - len(have)), want + (0,) * (size - len(want))
    return {">=": a >= b, "<=": a <= b, ">": a > b, "<": a < b}[op]
