"""Fixtures of the fault tests: one engine for the module's tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from runloop_local import LocalEngine


@pytest.fixture(scope="module")
def engine() -> Iterator[LocalEngine]:
    """An engine of this module's own (the audit reads every devbox it holds)."""
    with LocalEngine() as running:
        yield running
