"""The scoring runner: runs a scoring contract's functions in a running devbox, one after another.

Every function runs as the devbox user through the devbox's sandbox (not as a recorded
execution: scoring leaves no trace in the devbox's execution list), in ``cwd`` (the scenario's
working directory; the devbox user's home when None). Scripts are written to a fresh folder
under the devbox's ``/tmp`` (removed afterwards) and run from there. The rules that turn
output into scores are :mod:`.rules`'.

How each type is run:

* ``bash_script_scorer``: ``bash`` runs the script; the last non-empty line of its standard
  output is the score. A non-zero exit status is an ``error`` result.
* ``python_script_scorer``: ``python3`` (or ``python``) found on the devbox's ``PATH`` runs the
  script, scored as a bash script is. ``requirements_contents`` are installed with the devbox's
  ``python -m pip install --target`` into the scratch folder (on ``PYTHONPATH``);
  ``python_version_constraint`` (such as ``>=3.10,<4``) is checked against that python.
* ``command_scorer``: the command's exit status: 0 scores 1.0, anything else 0.0.
* ``test_based_scorer``: writes ``test_files`` (paths relative to ``cwd``), runs
  ``test_command``, scored by its exit status.
* ``custom_scorer``: the registered scorer's ``bash_script`` with ``$RL_SCORER_CONTEXT`` set
  to the JSON of ``context`` (when given, as by validate) or of the function's ``scorer_params``.
* ``ast_grep_scorer``: the devbox's ``ast-grep`` (or ``sg``) searches ``search_directory`` for
  ``pattern``; 1.0 when it matches at least once, else 0.0. Without the tool the result is an
  ``error`` naming it.

A function that cannot be run or scored gives an ``error`` result with score 0 and an output
that says why; the contract's score still counts it (with score 0).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from ..executions.live import LiveDevbox
from ..sandbox.contract import SandboxError
from ..scorers.service import ScorerService
from .rules import (
    ScoreUnreadable,
    check_contract,
    check_function,
    exit_score,
    parse_score,
    python_version_fits,
    result_view,
    weighted_score,
)

__all__ = ["ScoringHost", "ScoringRunner"]

_SCRATCH = 'd=$(mktemp -d /tmp/rl_scoring.XXXXXX) && chmod 700 "$d" && printf %s "$d"'
_PYTHON = "command -v python3 || command -v python"
_PY_VERSION = "import sys; print('%d.%d.%d' % sys.version_info[:3])"
_AST_GREP = (  # `sg` may be shadow's switch-group tool: only one that says it is ast-grep counts
    'for t in ast-grep sg; do p=$(command -v "$t") && "$p" --version 2>/dev/null | grep -qi ast-grep '
    '&& { printf %s "$p"; exit 0; }; done; exit 1'
)


class ScoringHost(Protocol):
    """What the runner needs of the devbox service (``DevboxService`` is one; it makes a runner
    of itself, so the runner must not import it)."""

    def running_live(self, id: str, action: str) -> LiveDevbox:
        """The live state of a running devbox.

        Raises:
            ApiError: 404 unknown id; 400 when the devbox is not running.
        """
        ...


class ScoringFailed(Exception):
    """A scoring function could not be run or scored.

    Args:
        why: What went wrong (ends the result's output).
        output: What the function printed before (stdout and stderr as they came).
    """

    def __init__(self, why: str, output: str = "") -> None:
        super().__init__(why)
        self.why = why
        self.output = output

    def text(self) -> str:
        """The result's output: the function's own, then why it failed."""
        return f"{self.output.rstrip()}\n{self.why}".lstrip("\n")


@dataclass
class _Ran:
    code: int
    stdout: str
    output: str
    """stdout and stderr interleaved as they came."""


class ScoringRunner:
    """Runs scoring functions and contracts in running devboxes.

    Args:
        service: The devbox service, ``DevboxService`` (its running devboxes' sandboxes run
            the functions).
        scorers: The custom scorers ``custom_scorer`` functions name.
    """

    def __init__(self, service: ScoringHost, scorers: ScorerService) -> None:
        self._service = service
        self._scorers = scorers

    async def score_contract(
        self,
        devbox_id: str,
        contract: dict[str, Any],
        *,
        timeout_s: float | None = None,
        cwd: str | None = None,
    ) -> dict[str, Any]:
        """Runs every scoring function of a ScoringContract in the devbox, in order.

        Args:
            devbox_id: A running devbox.
            contract: The ScoringContract as JSON (``scoring_function_parameters``).
            timeout_s: Time for the whole contract (None: no limit); a function still running
                when it is up is killed and gives an ``error`` result, later ones do not run.
            cwd: Where the functions run (None: the devbox user's home).

        Returns:
            The ScoringContractResultView as JSON: ``score`` is the sum of each function's score
            times its weight, weights normalised to sum to 1; one ScoringFunctionResultView
            per function, in order.

        Raises:
            ApiError: 400 for a malformed contract or a devbox that is not running; 404 for an
                unknown devbox.
        """
        functions = check_contract(contract)
        self._service.running_live(devbox_id, "score")
        loop = asyncio.get_running_loop()
        deadline = None if timeout_s is None else loop.time() + timeout_s
        results = []
        for function in functions:
            left = None if deadline is None else deadline - loop.time()
            results.append(await self._score(devbox_id, function, None, left, cwd))
        score = weighted_score([float(f["weight"]) for f in functions], [r["score"] for r in results])
        return {"score": score, "scoring_function_results": results}

    async def score_function(
        self,
        devbox_id: str,
        function: dict[str, Any],
        *,
        context: dict[str, Any] | None = None,
        timeout_s: float | None = None,
        cwd: str | None = None,
    ) -> dict[str, Any]:
        """Runs one ScoringFunction in the devbox.

        Args:
            devbox_id: A running devbox.
            function: The ScoringFunction as JSON (``name``, ``weight``, ``scorer``).
            context: For a ``custom_scorer``: the JSON its script gets in ``$RL_SCORER_CONTEXT``
                instead of the function's ``scorer_params``.
            timeout_s: Time for it (None: no limit).
            cwd: Where it runs (None: the devbox user's home).

        Returns:
            The ScoringFunctionResultView as JSON (state ``complete``, or ``error`` with score 0
            and an output that says why).

        Raises:
            ApiError: 400 for a malformed function or a devbox that is not running; 404 for an
                unknown devbox.
        """
        check_function(function)
        self._service.running_live(devbox_id, "score")
        return await self._score(devbox_id, function, context, timeout_s, cwd)

    async def _score(
        self,
        devbox_id: str,
        function: Mapping[str, Any],
        context: dict[str, Any] | None,
        timeout_s: float | None,
        cwd: str | None,
    ) -> dict[str, Any]:
        name = str(function["name"])
        if timeout_s is not None and timeout_s <= 0:
            return result_view(name, 0.0, "error", "not run: the scoring time ran out before it started")
        run = _Run(self._service, devbox_id, cwd, timeout_s)
        try:
            score, output = await self._run(run, function["scorer"], context)
        except ScoringFailed as exc:
            return result_view(name, 0.0, "error", exc.text())
        finally:
            await run.clean_up()
        return result_view(name, score, "complete", output)

    async def _run(
        self, run: _Run, scorer: Mapping[str, Any], context: dict[str, Any] | None
    ) -> tuple[float, str]:
        kind = scorer["type"]
        if kind == "bash_script_scorer":
            return await run.script("bash", str(scorer["bash_script"]), {})
        if kind == "custom_scorer":
            rec = self._scorers.by_type(str(scorer["custom_scorer_type"]))
            if rec is None:
                raise ScoringFailed(
                    f"no custom scorer of type {scorer['custom_scorer_type']!r}: create it first"
                )
            given = context if context is not None else scorer.get("scorer_params")
            env = {"RL_SCORER_CONTEXT": json.dumps({} if given is None else given)}
            return await run.script("bash", rec.bash_script, env)
        if kind == "python_script_scorer":
            return await self._python(run, scorer)
        if kind == "command_scorer":
            ran = await run.exec(str(scorer["command"]))
            return exit_score(ran.code), ran.output
        if kind == "test_based_scorer":
            for test_file in scorer.get("test_files") or []:
                await run.write(str(test_file["file_path"]), str(test_file.get("file_contents") or ""))
            ran = await run.exec(str(scorer["test_command"]))
            return exit_score(ran.code), ran.output
        return await self._ast_grep(run, scorer)

    async def _python(self, run: _Run, scorer: Mapping[str, Any]) -> tuple[float, str]:
        found = await run.exec(_PYTHON)
        python = found.stdout.strip().splitlines()[-1] if found.code == 0 and found.stdout.strip() else ""
        if not python:
            raise ScoringFailed("python_script_scorer: the devbox has no python3 or python on its PATH")
        env = {"RL_PYTHON": python}
        constraint = scorer.get("python_version_constraint")
        if constraint:
            version = (await run.exec(f'"$RL_PYTHON" -c "{_PY_VERSION}"', env)).stdout.strip()
            if not python_version_fits(version, str(constraint)):
                raise ScoringFailed(
                    f"python_script_scorer: the devbox's {python} is Python {version}, "
                    f"which does not meet python_version_constraint {constraint!r}"
                )
        requirements = scorer.get("requirements_contents")
        if requirements and str(requirements).strip():
            pip = await run.exec('"$RL_PYTHON" -m pip --version', env)
            if pip.code != 0:
                raise ScoringFailed(
                    f"python_script_scorer: requirements_contents needs pip, and {python} -m pip "
                    "is not available in the devbox (install pip in its blueprint)",
                    pip.output,
                )
            scratch = await run.scratch()
            await run.write(f"{scratch}/requirements.txt", str(requirements))
            installed = await run.exec(
                '"$RL_PYTHON" -m pip install --quiet --disable-pip-version-check --no-input '
                f'--target "{scratch}/site" -r "{scratch}/requirements.txt"',
                env,
            )
            if installed.code != 0:
                raise ScoringFailed(
                    f"python_script_scorer: installing requirements_contents failed "
                    f"(exit status {installed.code})",
                    installed.output,
                )
            env["PYTHONPATH"] = f"{scratch}/site"
        return await run.script('"$RL_PYTHON"', str(scorer["python_script"]), env)

    async def _ast_grep(self, run: _Run, scorer: Mapping[str, Any]) -> tuple[float, str]:
        found = await run.exec(_AST_GREP)
        if found.code != 0 or not found.stdout.strip():
            raise ScoringFailed(
                "ast_grep_scorer needs the ast-grep tool (`ast-grep` or `sg`) in the devbox, and it "
                "has neither on its PATH: install it in the scenario's blueprint"
            )
        env = {
            "RL_AST_GREP": found.stdout.strip().splitlines()[-1],
            "RL_PATTERN": str(scorer["pattern"]),
            "RL_DIR": str(scorer["search_directory"]),
        }
        lang = ""
        if scorer.get("lang"):
            env["RL_LANG"] = str(scorer["lang"])
            lang = ' --lang "$RL_LANG"'
        ran = await run.exec(
            f'"$RL_AST_GREP" run --pattern "$RL_PATTERN"{lang} --json=compact -- "$RL_DIR"', env
        )
        try:
            matches = json.loads(ran.stdout)
        except ValueError:
            matches = None
        if not isinstance(matches, list):
            raise ScoringFailed(f"ast_grep_scorer: ast-grep failed (exit status {ran.code})", ran.output)
        where = [
            f"{m.get('file')}:{int(m.get('range', {}).get('start', {}).get('line', 0)) + 1}" for m in matches
        ]
        output = f"{len(matches)} match(es) of {scorer['pattern']!r}\n" + "\n".join(where)
        return (1.0 if matches else 0.0), output


class _Run:
    """One function's commands in one devbox, against one deadline, with one scratch folder."""

    def __init__(
        self, service: ScoringHost, devbox_id: str, cwd: str | None, timeout_s: float | None
    ) -> None:
        self._service = service
        self._devbox_id = devbox_id
        self._cwd = cwd
        loop = asyncio.get_running_loop()
        self._deadline = None if timeout_s is None else loop.time() + timeout_s
        self._timeout_s = timeout_s
        self._scratch: str | None = None

    async def exec(
        self,
        command: str,
        env: Mapping[str, str] | None = None,
        *,
        stdin: bytes | None = None,
        cwd: str | None = None,
    ) -> _Ran:
        """Runs ``command`` (bash) to its end in the devbox.

        Raises:
            ScoringFailed: The devbox stopped, or the time ran out (the command is killed).
        """
        try:
            live = self._service.running_live(self._devbox_id, "score")
        except Exception as exc:  # ApiError: the devbox stopped meanwhile
            raise ScoringFailed(f"the devbox stopped running: {exc}") from None
        assert live.sandbox is not None  # running_live checked it
        stdout, output = bytearray(), bytearray()

        def on_stdout(data: bytes) -> None:
            stdout.extend(data)
            output.extend(data)

        try:
            handle = await live.sandbox.exec(
                command, on_stdout=on_stdout, on_stderr=output.extend, cwd=cwd or self._cwd, env=env
            )
            if stdin:
                await handle.write_stdin(stdin)
            await handle.close_stdin()
            left = None if self._deadline is None else self._deadline - asyncio.get_running_loop().time()
            try:
                code = await asyncio.wait_for(handle.wait(), left)
            except asyncio.TimeoutError:
                await handle.kill(process_group=True)
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(handle.wait(), 5.0)
                raise ScoringFailed(
                    f"timed out: the scorer took more than {self._timeout_s:g} s and was killed",
                    output.decode("utf-8", "replace"),
                ) from None
        except SandboxError as exc:
            raise ScoringFailed(
                f"could not run in the devbox: {exc}", output.decode("utf-8", "replace")
            ) from None
        live.touch()  # scoring is activity: the idle timer must not end the devbox under it
        return _Ran(code, stdout.decode("utf-8", "replace"), output.decode("utf-8", "replace"))

    async def scratch(self) -> str:
        """A folder of the devbox's ``/tmp`` only the devbox user may read (made once)."""
        if self._scratch is None:
            ran = await self.exec(_SCRATCH, cwd="/tmp")
            if ran.code != 0 or not ran.stdout.startswith("/tmp/"):
                raise ScoringFailed("could not make a scratch folder in the devbox's /tmp", ran.output)
            self._scratch = ran.stdout
        return self._scratch

    async def write(self, path: str, text: str) -> None:
        """Writes ``text`` to ``path`` in the devbox (relative to the run's cwd), making its folder."""
        ran = await self.exec(
            'mkdir -p -- "$(dirname -- "$RL_PATH")" && cat > "$RL_PATH"',
            {"RL_PATH": path},
            stdin=text.encode(),
        )
        if ran.code != 0:
            raise ScoringFailed(f"could not write {path} in the devbox (exit status {ran.code})", ran.output)

    async def script(self, interpreter: str, text: str, env: Mapping[str, str]) -> tuple[float, str]:
        """Runs a script with ``interpreter`` and reads its score (see :func:`.rules.parse_score`)."""
        scratch = await self.scratch()
        await self.write(f"{scratch}/script", text)
        ran = await self.exec(f'{interpreter} "{scratch}/script"', env)
        if ran.code != 0:
            raise ScoringFailed(f"the script exited with status {ran.code}", ran.output)
        try:
            return parse_score(ran.stdout), ran.output
        except ScoreUnreadable as exc:
            raise ScoringFailed(str(exc), ran.output) from None

    async def clean_up(self) -> None:
        """Removes the scratch folder (best effort: a devbox that stopped keeps nothing anyway)."""
        if self._scratch is None:
            return
        self._deadline = None  # cleaning up is never cut short by the function's time
        with contextlib.suppress(ScoringFailed):
            await self.exec(f'rm -rf -- "{self._scratch}"', cwd="/tmp")
