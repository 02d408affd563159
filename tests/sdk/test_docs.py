"""Runs the python examples of the docs site's guides against the local engine, as a reader would.

Each page's ```python blocks run in order in one namespace (a page is one session), with
``RUNLOOP_BASE_URL`` and ``RUNLOOP_API_KEY`` pointing at the session's engine, in an empty
working folder. ``EXPECTED`` holds lines each page must print, so a block that runs but goes
wrong fails too.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from runloop_sdk import AsyncRunloopSDK, RunloopSDK

DOCS = Path(__file__).resolve().parents[2] / "docs"
FENCE = re.compile(r"^```python\n(.*?)^```$", re.MULTILINE | re.DOTALL)

EXPECTED: dict[str, list[str]] = {
    "index.md": ["0 hi"],
    "guides/commands.md": [
        "3 False True",
        "['step 1', 'step 2', 'step 3']",
        "stderr: done",
        "apple\npear",
        "137",
        "['4', '5', '6']",
        "gave up after",
        "/home/user/app\nCI=1",
        "the terminal printed 42",
    ],
    "guides/files.md": ["45", "print(sum(range(10)))", "256", "5000000", "shared notes", "from the object"],
    "guides/snapshots.md": [
        "complete",
        "fork-a prepared once ready",
        "fork-b prepared once ready",
        "True",
        "prepared-v2",
    ],
    "guides/blueprints.md": ["build_complete", "hello\n/home/user/app\nbuilt in", "build |", "failed:"],
    "guides/async.md": [
        "4 squared is 16",
        "async",
        "live: one",
        "live: two",
        "['1', '2', '3']",
        "running: True",
    ],
    "guides/evaluations.md": [
        "validated: 0.5",
        "object",
        "agent: greeting written",
        "completed 0.75",
        "  greeting: 1.0\n  readme: 0.0",
        "devbox after the run: shutdown",
        "logs: True",
        "canceled",
        "benchmark: completed 0.375",
    ],
    "local_engine.md": ["http://127.0.0.1:", "True"],
    "progress_and_logging.md": ["50331648 bytes back", "upload big.bin: 50331648 of 50331648 bytes", "hi"],
    "guides/devboxes.md": [
        "running guide",
        "docs",
        "find-me",
        "True",
        "kept across suspend",
        "exec exited with status 0",
    ],
}


def python_blocks(text: str) -> list[tuple[int, str]]:
    """The page's python blocks, each with the line its code starts on (pure)."""
    return [(text.count("\n", 0, match.start(1)), match[1]) for match in FENCE.finditer(text)]


def test_every_guide_is_covered() -> None:
    pages = {str(path.relative_to(DOCS)) for path in DOCS.glob("guides/*.md")}
    assert pages | {"index.md", "local_engine.md", "progress_and_logging.md"} == set(EXPECTED)


def test_python_blocks_are_found_with_their_lines() -> None:
    text = "# t\n\n```python\nx = 1\ny = 2\n```\n\n```bash\nls\n```\n```python\nz = 3\n```\n"
    assert python_blocks(text) == [(3, "x = 1\ny = 2\n"), (11, "z = 3\n")]


@pytest.mark.parametrize("page", sorted(EXPECTED))
def test_the_pages_examples_run(
    page: str,
    engine: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("RUNLOOP_BASE_URL", engine.base_url)
    monkeypatch.setenv("RUNLOOP_API_KEY", engine.token)
    monkeypatch.chdir(tmp_path)
    path = DOCS / page
    blocks = python_blocks(path.read_text())
    assert blocks, f"{page} has no python example"
    namespace: dict[str, Any] = {"__name__": "__docs__"}
    try:
        for line, code in blocks:
            # Padded so that a traceback names the line of the page.
            exec(compile("\n" * line + code, str(path), "exec"), namespace)
    finally:
        for value in list(namespace.values()):
            if isinstance(value, RunloopSDK):
                value.close()
            elif isinstance(value, AsyncRunloopSDK):
                pytest.fail(f"{page} leaves an AsyncRunloopSDK open; close it in the example")
    printed = capsys.readouterr().out
    for expected in EXPECTED[page]:
        assert expected in printed, f"{page} did not print {expected!r}; it printed:\n{printed}"
