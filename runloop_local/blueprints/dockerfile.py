"""Reading Dockerfiles: instructions (parsed by ``dockerfile-parse``), variables, words, forms. Pure."""

from __future__ import annotations

import io
import json
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass

from dockerfile_parse import DockerfileParser

__all__ = ["DockerfileError", "Instruction", "exec_form", "instructions", "key_values", "substitute", "words"]

_VARIABLE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:[-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))")


class DockerfileError(ValueError):
    """A Dockerfile the engine cannot build; the message names the line."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"Dockerfile line {line}: {message}")
        self.line = line


@dataclass(frozen=True)
class Instruction:
    """One instruction of a Dockerfile."""

    line: int
    """Its first line (1-based)."""
    keyword: str
    """Upper case: ``FROM``, ``RUN``, ..."""
    value: str
    """What follows the keyword (continuation lines joined)."""

    @property
    def text(self) -> str:
        """The instruction as one line, for build logs."""
        return f"{self.keyword} {self.value}".strip()


def instructions(text: str) -> list[Instruction]:
    """The instructions of a Dockerfile (comments and parser directives left out).

    Raises:
        DockerfileError: A line that is no instruction.
    """
    parser = DockerfileParser(fileobj=io.StringIO(text), env_replace=False)
    found = []
    for entry in parser.structure:
        keyword = str(entry["instruction"]).upper()
        if keyword == "COMMENT":
            continue
        if not re.fullmatch(r"[A-Z]+", keyword):
            raise DockerfileError(
                int(entry["startline"]) + 1, f"{entry['content'].strip()!r} is not an instruction"
            )
        found.append(Instruction(int(entry["startline"]) + 1, keyword, str(entry["value"]).strip()))
    return found


def substitute(value: str, variables: Mapping[str, str]) -> str:
    """Replaces ``$VAR``, ``${VAR}``, ``${VAR:-default}`` and ``${VAR:+alternative}`` as Docker does.

    Nothing is replaced inside single quotes, nor after a backslash (``\\$VAR`` stays ``$VAR``).
    """
    out: list[str] = []
    i, quoted = 0, False
    while i < len(value):
        char = value[i]
        if char == "\\" and i + 1 < len(value) and value[i + 1] == "$":
            out.append("$")
            i += 2
            continue
        if char == "'":
            quoted = not quoted
        if char == "$" and not quoted:
            match = _VARIABLE.match(value, i)
            if match:
                name = match.group(1) or match.group(4)
                current = variables.get(name, "")
                if match.group(2) == ":-":
                    current = current or match.group(3)
                elif match.group(2) == ":+":
                    current = match.group(3) if current else ""
                out.append(current)
                i = match.end()
                continue
        out.append(char)
        i += 1
    return "".join(out)


def words(value: str, line: int) -> list[str]:
    """Splits a value into words the way a shell would (quotes removed).

    Raises:
        DockerfileError: Unbalanced quotes.
    """
    try:
        return shlex.split(value)
    except ValueError as exc:
        raise DockerfileError(line, f"cannot split {value!r} into words: {exc}") from None


def exec_form(value: str, line: int) -> list[str] | None:
    """The JSON array of an exec-form instruction (``["a", "b"]``), or None for the shell form.

    Raises:
        DockerfileError: It looks like JSON but is not an array of strings.
    """
    if not value.startswith("["):
        return None
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError:
        return None  # Docker runs it as a shell command then
    if not isinstance(parsed, list) or not all(isinstance(item, str) for item in parsed):
        raise DockerfileError(line, f"{value!r} must be a JSON array of strings")
    return parsed


def key_values(value: str, line: int, variables: Mapping[str, str]) -> list[tuple[str, str]]:
    """The pairs of ``ENV``/``LABEL``/``ARG``: ``K=V K2="v 2"`` or the old ``K value with spaces``.

    Raises:
        DockerfileError: No pair, or a pair without a name.
    """
    parts = words(value, line)
    if not parts:
        raise DockerfileError(line, "it needs at least one NAME=value")
    if "=" not in parts[0]:  # the old form: one name, the rest of the line is its value
        return [(parts[0], substitute(" ".join(parts[1:]), variables))]
    pairs = []
    for part in parts:
        name, sep, text = part.partition("=")
        if not sep or not name:
            raise DockerfileError(line, f"{part!r} is not NAME=value")
        pairs.append((name, substitute(text, variables)))
    return pairs
