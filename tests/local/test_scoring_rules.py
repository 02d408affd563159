"""Pure rules of scoring: reading scores, weights, python version constraints."""

from __future__ import annotations

import pytest

from runloop_local.scoring.rules import (
    ScoreUnreadable,
    clip_output,
    normalised_weights,
    parse_score,
    python_version_fits,
    weighted_score,
)


@pytest.mark.parametrize(
    ("out", "score"), [("1.0\n", 1.0), ("log\n 0.5 \n\n", 0.5), ("0", 0.0), ("1e-1\n", 0.1)]
)
def test_parse_score_reads_the_last_non_empty_line(out: str, score: float) -> None:
    assert parse_score(out) == score


@pytest.mark.parametrize("out", ["", "\n\n", "0.5\nok", "-0.1", "1.01", "nan", "inf"])
def test_parse_score_refuses_anything_else(out: str) -> None:
    with pytest.raises(ScoreUnreadable):
        parse_score(out)


def test_weights_are_normalised() -> None:
    assert normalised_weights([1, 3]) == [0.25, 0.75]
    assert normalised_weights([0, 0]) == [0.0, 0.0]
    assert weighted_score([1, 3], [1.0, 0.5]) == pytest.approx(0.625)
    assert weighted_score([], []) == 0.0


def test_clip_output_keeps_the_end() -> None:
    text = "a" * 70_000 + "END"
    clipped = clip_output(text)
    assert clipped.endswith("END") and clipped.startswith("[... ") and len(clipped) < 66_000
    assert clip_output("short") == "short"


@pytest.mark.parametrize(
    ("version", "constraint", "fits"),
    [
        ("3.12.1", ">=3.10,<4", True),
        ("3.9.1", ">=3.10", False),
        ("3.11.4", "3.11", True),
        ("3.12.1", "3.11", False),
        ("3.11.4", "==3.11.*", True),
        ("3.12.1", "!=3.12", False),
        ("3.12.1", "<3.12", False),
        ("3.12.0", "<=3.12", True),
        ("3.12.1", "~=3.10", True),
        ("3.12.1", "~=3.10.2", False),
        ("3.13.0", ">3.12", True),
        ("3.12.1", "bogus", False),
        ("unknown", "3", False),
    ],
)
def test_python_version_constraints(version: str, constraint: str, fits: bool) -> None:
    assert python_version_fits(version, constraint) is fits
