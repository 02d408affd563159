#!/usr/bin/env python3
"""Generates the raw layer's models and async resources from spec/runloop-openapi.yaml.

Writes ``runloop_api/types/*.py`` (one pydantic model per schema, grouped by domain) and
``runloop_api/_async/resources/*.py`` (one method per operation). ``scripts/unasync.py`` then
derives the sync resources. ``--check`` regenerates in memory and fails when a file differs.

Usage: python scripts/generate_api.py [--check]
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _codegen.models import render_models
from _codegen.operations import collect_operations
from _codegen.resources import render_resources
from _codegen.util import ruff_format

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "spec" / "runloop-openapi.yaml"
TYPES_DIR = ROOT / "runloop_api" / "types"
RESOURCES_DIR = ROOT / "runloop_api" / "_async" / "resources"


def generate() -> dict[Path, str]:
    """Returns every generated file's path and formatted text."""
    spec = yaml.safe_load(SPEC.read_text())
    operations = collect_operations(spec)
    files: dict[Path, str] = {}
    for name, text in render_models(spec, operations).items():
        files[TYPES_DIR / name] = text
    for name, text in render_resources(spec, operations).items():
        files[RESOURCES_DIR / name] = text
    return ruff_format(files, ROOT)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="fail if the committed files are stale")
    args = parser.parse_args()
    files = generate()
    stale: list[str] = []
    for folder in (TYPES_DIR, RESOURCES_DIR):
        for existing in folder.glob("*.py"):
            if existing not in files:
                stale.append(f"extra file {existing.relative_to(ROOT)} (not generated)")
                if not args.check:
                    existing.unlink()
    for path, text in sorted(files.items()):
        current = path.read_text() if path.exists() else None
        if current == text:
            continue
        if args.check:
            diff = difflib.unified_diff(
                (current or "").splitlines(), text.splitlines(), str(path), "generated", lineterm="", n=1
            )
            stale.append("\n".join(list(diff)[:40]))
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    if args.check and stale:
        print("Generated API files are stale; run `python scripts/generate_api.py`:\n", file=sys.stderr)
        print("\n".join(stale), file=sys.stderr)
        return 1
    print(f"generate_api: {len(files)} files {'up to date' if args.check else 'written'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
