"""The engine's shape: a small shell, one package per domain, and no import circle."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import runloop_local

ROOT = Path(runloop_local.__file__).parent
PACKAGE = "runloop_local"
DOMAINS = (
    "devboxes",
    "executions",
    "files",
    "snapshots",
    "objects",
    "pty",
    "ssh",
    "network_policies",
    "tunnels",
)
SHELL = {"__init__", "__main__", "app", "cli", "engine"}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, modules: set[str]) -> Iterator[str]:
    """Every engine module ``path`` imports, at any depth (also under TYPE_CHECKING)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names if alias.name in modules)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            target = ".".join([*base, node.module] if node.module else base)
            for alias in node.names:
                if f"{target}.{alias.name}" in modules:
                    yield f"{target}.{alias.name}"
                elif target in modules:
                    yield target


def import_graph() -> dict[str, set[str]]:
    paths = {module_name(path): path for path in ROOT.rglob("*.py")}
    modules = set(paths)
    return {name: set(imported_modules(path, modules)) - {name} for name, path in paths.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle of ``graph`` (its modules in order), or None."""
    done: set[str] = set()
    stack: list[str] = []
    on_stack: set[str] = set()

    def visit(node: str) -> list[str] | None:
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt in on_stack:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in done and (found := visit(nxt)):
                return found
        stack.pop()
        on_stack.discard(node)
        done.add(node)
        return None

    for start in sorted(graph):
        if start not in done and (found := visit(start)):
            return found
    return None


def test_find_cycle_finds_one_and_only_one() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_no_import_circle_inside_the_engine() -> None:
    graph = import_graph()
    assert any(graph.values())  # the walk sees the imports
    assert find_cycle(graph) is None, f"import circle: {' -> '.join(find_cycle(graph) or [])}"


def test_the_shell_is_small_and_each_domain_a_package() -> None:
    top = {path.stem for path in ROOT.glob("*.py")}
    assert top == SHELL
    for domain in DOMAINS:
        assert (ROOT / domain / "__init__.py").is_file(), domain
        assert (ROOT / domain / "routes.py").is_file(), domain


def test_dependencies_point_one_way() -> None:
    # routes -> service -> records/rules -> db; the shared floors (http, db, sandbox) know no domain.
    for module, imports in import_graph().items():
        parts = module.split(".")
        if len(parts) < 2:
            continue
        area, room = parts[1], parts[-1]
        for target in imports:
            tparts = target.split(".")
            if area in ("http", "db", "sandbox"):
                assert len(tparts) < 2 or tparts[1] not in DOMAINS, f"{module} imports {target}"
            if tparts[-1] == "routes" or (len(tparts) > 2 and tparts[2] == "routes"):
                assert area == "app" or tparts[1] == area, (
                    f"{module} imports another domain's routes: {target}"
                )
            if room in ("rules", "records"):
                assert tparts[-1] not in ("service", "routes"), f"{module} imports {target}"
