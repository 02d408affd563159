"""A build plan: a Dockerfile, setup commands and file mounts turned into steps. Pure.

Each step that changes files (RUN, COPY/ADD, WORKDIR, the file mounts) becomes one layer; the
others (ENV, ARG, USER, LABEL, EXPOSE, CMD, ENTRYPOINT, SHELL) change the state later steps run
in and the image's configuration. One stage: a second FROM is refused, as is any instruction
the engine cannot honour, naming its line.
"""

from __future__ import annotations

import posixpath
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Union

from .dockerfile import DockerfileError, exec_form, instructions, key_values, substitute, words
from .records import ImageConfig

__all__ = ["BuildState", "CopyStep", "FilesStep", "MkdirStep", "Plan", "RunStep", "Step", "plan_build"]

DEFAULT_SHELL = ("/bin/sh", "-c")
UNSUPPORTED = {
    "ONBUILD": "ONBUILD (triggers for later builds)",
    "HEALTHCHECK": "HEALTHCHECK (devboxes have no health checks)",
    "STOPSIGNAL": "STOPSIGNAL",
    "VOLUME": "VOLUME (devboxes have no volumes)",
}


@dataclass(frozen=True)
class BuildState:
    """What a step runs in: the variables, user, working folder and shell the steps before it set."""

    env: Mapping[str, str] = field(default_factory=dict)
    args: Mapping[str, str] = field(default_factory=dict)
    user: str = "root"
    workdir: str = "/"
    shell: tuple[str, ...] = DEFAULT_SHELL

    def variables(self) -> dict[str, str]:
        """What ``$VAR`` means in an instruction: build arguments, then the environment over them."""
        return {**self.args, **self.env}


@dataclass(frozen=True)
class RunStep:
    """Run a command (as ``state.user``, in ``state.workdir``, with the build's variables)."""

    line: int
    text: str
    command: str
    """A shell command line (``bash -c`` runs it)."""
    state: BuildState


@dataclass(frozen=True)
class CopyStep:
    """Copy files of the build context into the image."""

    line: int
    text: str
    sources: tuple[str, ...]
    """Paths in the build context (globs allowed)."""
    dest: str
    """Absolute; a folder when it ends with ``/`` or there are several sources."""
    chown: str | None
    chmod: int | None
    extract: bool
    """ADD: a local tar archive is unpacked."""


@dataclass(frozen=True)
class MkdirStep:
    """Make a folder (WORKDIR) owned by root."""

    line: int
    text: str
    path: str


@dataclass(frozen=True)
class FilesStep:
    """Write files (the blueprint's ``file_mounts``)."""

    line: int
    text: str
    files: Mapping[str, str]


Step = Union[RunStep, CopyStep, MkdirStep, FilesStep]


@dataclass(frozen=True)
class Plan:
    """What to build."""

    base: str | None
    """The FROM image (None: no Dockerfile)."""
    steps: tuple[Step, ...]
    config: ImageConfig
    notes: tuple[str, ...] = ()
    """Build log lines about what the engine made of the Dockerfile."""


def plan_build(
    dockerfile: str | None,
    *,
    build_args: Mapping[str, str],
    file_mounts: Mapping[str, str],
    setup_commands: Sequence[str],
) -> Plan:
    """Plans a build: the Dockerfile's steps, then the file mounts, then the setup commands (as root).

    Raises:
        DockerfileError: The Dockerfile cannot be built (the message names the line).
    """
    base: str | None = None
    steps: list[Step] = []
    notes: list[str] = []
    config = ImageConfig()
    state = BuildState()
    global_args: dict[str, str] = {}
    declared: set[str] = set()
    for ins in instructions(dockerfile or ""):
        kw, line = ins.keyword, ins.line
        if base is None and kw not in ("FROM", "ARG"):
            raise DockerfileError(
                line, f"{kw} before FROM: a Dockerfile starts with FROM (ARG may come first)"
            )
        if kw == "FROM":
            if base is not None:
                raise DockerfileError(
                    line, "a second FROM: multi-stage builds are not supported by the local engine"
                )
            parts = words(substitute(ins.value, {**global_args, **build_args}), line)
            if not parts or (len(parts) > 1 and not (len(parts) == 3 and parts[1].upper() == "AS")):
                raise DockerfileError(line, f"FROM takes an image (and `AS name`), not {ins.value!r}")
            if parts[0].startswith("--platform"):
                raise DockerfileError(
                    line, "FROM --platform is not supported: the engine builds for this machine"
                )
            base = parts[0]
        elif kw == "ARG":
            for name, default in _arg(ins.value, line, state.variables()):
                value = build_args.get(name, default)
                declared.add(name)
                if base is None:
                    global_args[name] = value
                else:
                    state = replace(state, args={**state.args, name: value})
        elif kw == "ENV":
            env = dict(state.env)
            env.update(key_values(ins.value, line, state.variables()))
            state = replace(state, env=env)
            config.env = dict(env)
        elif kw == "LABEL":
            config.labels.update(key_values(ins.value, line, state.variables()))
        elif kw == "MAINTAINER":
            config.labels["maintainer"] = ins.value
        elif kw == "WORKDIR":
            path = substitute(ins.value, state.variables()).strip()
            if not path:
                raise DockerfileError(line, "WORKDIR needs a folder")
            path = posixpath.normpath(posixpath.join(state.workdir, path))
            state = replace(state, workdir=path)
            config.workdir = path
            steps.append(MkdirStep(line, ins.text, path))
        elif kw == "USER":
            user = substitute(ins.value, state.variables()).strip()
            if not user or " " in user:
                raise DockerfileError(
                    line, f"USER takes one user (name or uid, `:group` allowed), not {ins.value!r}"
                )
            state = replace(state, user=user)
            config.user = user
        elif kw == "SHELL":
            shell = exec_form(ins.value, line)
            if not shell:
                raise DockerfileError(line, 'SHELL takes a JSON array, such as ["/bin/bash", "-c"]')
            state = replace(state, shell=tuple(shell))
        elif kw == "RUN":
            steps.append(RunStep(line, ins.text, _command(ins.value, line, state), state))
        elif kw in ("COPY", "ADD"):
            steps.append(_copy(ins.value, line, ins.text, state, extract=kw == "ADD"))
        elif kw == "EXPOSE":
            config.exposed_ports += words(substitute(ins.value, state.variables()), line)
        elif kw in ("CMD", "ENTRYPOINT"):
            form = exec_form(ins.value, line)
            argv = form if form is not None else [*state.shell, ins.value]
            if kw == "CMD":
                config.cmd = argv
            else:
                config.entrypoint = argv
        elif kw in UNSUPPORTED:
            raise DockerfileError(line, f"{UNSUPPORTED[kw]} cannot be honoured by the local engine")
        else:
            raise DockerfileError(line, f"unknown instruction {kw}")
    unused = sorted(set(build_args) - declared)
    if unused:
        notes.append(
            f"build args not declared by an ARG were ignored, as by docker build: {', '.join(unused)}"
        )
    if file_mounts:
        steps.append(FilesStep(0, f"file_mounts: {', '.join(sorted(file_mounts))}", dict(file_mounts)))
    root = BuildState(env=state.env, args=state.args)
    for number, command in enumerate(setup_commands, 1):
        steps.append(RunStep(0, f"system_setup_commands[{number}]: {command}", command, root))
    return Plan(base, tuple(steps), config, tuple(notes))


def _arg(value: str, line: int, variables: Mapping[str, str]) -> list[tuple[str, str]]:
    parts = words(value, line)
    if not parts:
        raise DockerfileError(line, "ARG needs a name")
    found = []
    for part in parts:
        name, sep, default = part.partition("=")
        if not name.replace("_", "a").isalnum():
            raise DockerfileError(line, f"{name!r} is not a valid ARG name")
        found.append((name, substitute(default, variables) if sep else ""))
    return found


def _command(value: str, line: int, state: BuildState) -> str:
    argv = exec_form(value, line)
    if argv is None:
        argv = [*state.shell, value]
    elif not argv:
        raise DockerfileError(line, "RUN with an empty JSON array runs nothing")
    return shlex.join(argv)


def _copy(value: str, line: int, text: str, state: BuildState, *, extract: bool) -> CopyStep:
    form = exec_form(value, line)
    parts = form if form is not None else words(value, line)
    chown: str | None = None
    chmod: int | None = None
    while parts and parts[0].startswith("--"):
        flag, _, arg = parts.pop(0).partition("=")
        arg = substitute(arg, state.variables())
        if flag == "--chown" and arg:
            chown = arg
        elif flag == "--chmod" and arg:
            try:
                chmod = int(arg, 8)
            except ValueError:
                raise DockerfileError(line, f"--chmod={arg}: give an octal mode such as 0755") from None
        elif flag == "--from":
            raise DockerfileError(
                line, "COPY --from needs several stages: multi-stage builds are not supported"
            )
        elif flag == "--link":
            continue  # layers here are always independent of their parents
        else:
            raise DockerfileError(line, f"{flag} is not supported by the local engine")
    parts = [substitute(part, state.variables()) for part in parts]
    if len(parts) < 2:
        raise DockerfileError(line, "COPY/ADD need at least one source and a destination")
    *sources, dest = parts
    for source in sources:
        if "://" in source:
            raise DockerfileError(
                line, f"ADD of a URL ({source}) is not supported: download it in a RUN step"
            )
    is_dir = dest.endswith("/") or len(sources) > 1
    dest = posixpath.normpath(posixpath.join(state.workdir, dest)) + ("/" if is_dir else "")
    return CopyStep(line, text, tuple(sources), dest, chown, chmod, extract)
