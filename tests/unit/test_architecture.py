"""Imports run one way (see docs/architecture.md); this walks every module and fails on a
wrong-way arrow, naming the file, the line and the rule it breaks."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from config import PROJECT_ROOT

OURS = {"app", "config", "db", "metrics", "layouts", "callbacks", "tests"}

# Which of our top-level packages each may import (itself included where listed).
ALLOWED: dict[str, set[str]] = {
    "config": set(),
    "metrics": {"metrics"},
    "db": {"config", "db", "metrics"},
    "layouts": {"layouts"},
    "callbacks": {"config", "db", "metrics", "layouts", "callbacks"},
    "app": {"config", "db", "metrics", "layouts", "callbacks"},
}
CHECKED = ("app.py", "config.py", "db", "metrics", "layouts", "callbacks")


def module_name(path: Path, root: Path = PROJECT_ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(module: str, source: str, is_package: bool = False) -> list[tuple[int, str]]:
    """(line, absolute module name) for every import in the source, relative ones resolved."""
    found: list[tuple[int, str]] = []
    # The package a relative import starts from: the module's own for an __init__.
    package = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            if node.module:
                found.append((node.lineno, ".".join([*base, node.module])))
            else:  # `from . import x`: x is a module of the package
                found += [(node.lineno, ".".join([*base, a.name])) for a in node.names]
    return found


def wrong_way_imports(module: str, source: str, is_package: bool = False) -> list[str]:
    """Every import of ours that the importing module's package may not make."""
    top = module.split(".")[0]
    allowed = ALLOWED[top]
    problems = []
    for line, name in imported_modules(module, source, is_package):
        target = name.split(".")[0]
        if target not in OURS:
            continue
        if target == "app":
            problems.append(f"{module}:{line} imports {name}: nothing imports app")
        elif target not in allowed:
            may = ", ".join(sorted(allowed)) or "nothing of ours"
            problems.append(f"{module}:{line} imports {name}: {top} may import {may}")
    return problems


def checked_files() -> list[Path]:
    files: list[Path] = []
    for entry in CHECKED:
        path = PROJECT_ROOT / entry
        files += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return files


def test_every_package_is_checked() -> None:
    files = checked_files()
    assert {module_name(f).split(".")[0] for f in files} == set(ALLOWED)
    assert len(files) > 10


def test_imports_run_one_way() -> None:
    problems = []
    for path in checked_files():
        source = path.read_text(encoding="utf-8")
        problems += wrong_way_imports(module_name(path), source, path.name == "__init__.py")
    assert problems == [], "wrong-way imports:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        ("metrics.flows", "import pandas\nfrom metrics.quarters import Quarter\n", []),
        ("metrics.flows", "from db.models import Child\n", ["metrics may import metrics"]),
        ("metrics.flows", "import config\n", ["metrics may import metrics"]),
        ("db.queries", "from config import Settings\nfrom metrics import quarters\n", []),
        ("db.queries", "def f():\n    from layouts import ids\n", ["db may import config"]),
        ("layouts.returns", "from layouts import ids\nimport dash\n", []),
        ("layouts.returns", "from callbacks.returns import show\n", ["layouts may import layouts"]),
        ("layouts.returns", "from metrics.quarters import Quarter\n", ["layouts may import"]),
        ("callbacks.returns", "from db.queries import Store\nfrom layouts import ids\n", []),
        ("callbacks.returns", "from app import app\n", ["nothing imports app"]),
        ("db.importer.store", "from ..models import Return\n", []),
        ("config", "from db import engine\n", ["config may import nothing of ours"]),
        ("app", "from callbacks import returns\nfrom layouts import shell\n", []),
    ],
)
def test_checker_catches_wrong_way_arrows(module: str, source: str, expected: list[str]) -> None:
    problems = wrong_way_imports(module, source)
    assert len(problems) == len(expected), problems
    for problem, words in zip(problems, expected):
        assert words in problem


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        ("layouts", "from . import ids\n", ["layouts.ids"]),
        ("db.importer", "from ..queries import Store\nfrom . import store\n",
         ["db.queries", "db.importer.store"]),
    ],
)
def test_checker_resolves_relative_imports(module: str, source: str, expected: list[str]) -> None:
    # Python refuses a relative import that leaves its top-level package, so these can never
    # be wrong-way; resolving them keeps the names right for anyone reading a report.
    assert [name for _, name in imported_modules(module, source, is_package=True)] == expected
    assert wrong_way_imports(module, source, is_package=True) == []
