"""Imports run one way, and each side of the house keeps to its job (see docs/architecture.md).

This walks every module and fails, naming the file, the line and the rule it breaks, on a
wrong-way import; on a Flask route or request hook in callbacks/ (the server's side is
server/) or a Dash callback in server/ (the handlers' side is callbacks/); on a callbacks
module without `register`; on anything outside db/ that could open a session or write SQL
(db.engine, SQLAlchemy beyond its errors, a session factory or `.begin()`); on Dash, Flask or
SQLAlchemy in the pure packages (charts/, metrics/); on an import cycle between any two modules
of ours, imports inside functions included; and on a chart registry that is filled from
outside charts/__init__.py or that `import charts` alone does not fill. Each checker has cases
that break its rule on purpose and must be caught."""

from __future__ import annotations

import ast
import importlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from config import PROJECT_ROOT

OURS = {"app", "config", "db", "metrics", "charts", "layouts", "server", "callbacks", "tests"}

# Which of our top-level packages each may import (itself included where listed).
ALLOWED: dict[str, set[str]] = {
    "config": set(),
    "metrics": {"metrics"},
    "db": {"config", "db", "metrics"},
    "charts": {"charts", "metrics"},
    "layouts": {"layouts", "charts", "metrics"},
    "server": {"config", "db", "metrics", "charts", "layouts", "server"},
    "callbacks": {"config", "db", "metrics", "charts", "layouts", "server", "callbacks"},
    "app": {"config", "db", "metrics", "charts", "layouts", "server", "callbacks"},
}
CHECKED = ("app.py", "config.py", "db", "metrics", "charts", "layouts", "server", "callbacks")

# Registering with Flask: a route or a hook around every request (the server's side).
FLASK_HOOKS = frozenset({"add_url_rule", "route", "before_request", "after_request",
                         "teardown_request", "errorhandler", "register_blueprint"})
# Registering with Dash: a callback (the handlers' side).
DASH_HOOKS = frozenset({"callback", "clientside_callback"})
# What makes or opens sessions; db/ alone calls them.
SESSION_CALLS = frozenset({"session_factory", "sessionmaker"})
# The frameworks the pure packages never import: they take frames and give frames or figures.
PURE = ("charts", "metrics")
FRAMEWORKS = ("dash", "dash_bootstrap_components", "dash_ag_grid", "flask", "flask_login",
              "flask_caching", "werkzeug", "sqlalchemy")


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


def _called(node: ast.Call) -> tuple[str | None, bool]:
    """The name a call is made by and whether it is a method: `f(...)` -> ("f", False),
    `x.y.f(...)` -> ("f", True)."""
    if isinstance(node.func, ast.Attribute):
        return node.func.attr, True
    if isinstance(node.func, ast.Name):
        return node.func.id, False
    return None, False


def misplaced_hooks(module: str, source: str, is_package: bool = False) -> list[str]:
    """Flask routes and request hooks registered in callbacks/, and Dash callbacks or the app's
    layout set in server/."""
    top = module.split(".")[0]
    problems = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name, method = _called(node)
            if top == "callbacks" and method and name in FLASK_HOOKS:
                problems.append(f"{module}:{node.lineno} calls {name}: Flask routes and request "
                                "hooks belong in server/")
            elif top == "server" and name in DASH_HOOKS:
                problems.append(f"{module}:{node.lineno} calls {name}: Dash callbacks belong in "
                                "callbacks/")
        elif top == "server" and isinstance(node, ast.Assign):
            if any(isinstance(t, ast.Attribute) and t.attr == "layout" for t in node.targets):
                problems.append(f"{module}:{node.lineno} sets a Dash layout: Dash's side belongs "
                                "in callbacks/")
    return problems


def _under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def imported_names(module: str, source: str, is_package: bool = False) -> list[tuple[int, str]]:
    """(line, name) for everything imported, `from a import b` giving `a.b` (b may be a module
    or a name in it), relative imports resolved."""
    found: list[tuple[int, str]] = []
    package = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            found += [(node.lineno, ".".join([*base, *filter(None, [node.module]), a.name]))
                      for a in node.names]
    return found


def sessions_outside_db(module: str, source: str, is_package: bool = False) -> list[str]:
    """Outside db/: an import of db.engine or of SQLAlchemy beyond its errors (sqlalchemy.exc),
    or a call that makes a session factory or begins a transaction on one."""
    if module.split(".")[0] == "db":
        return []
    problems = []
    for line, name in imported_names(module, source, is_package):
        if _under(name, "db.engine") or (_under(name, "sqlalchemy")
                                         and not _under(name, "sqlalchemy.exc")):
            problems.append(f"{module}:{line} imports {name}: only db/ opens sessions or writes "
                            "SQL (ask db.queries.Store; outside db/, sqlalchemy.exc only)")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            name, method = _called(node)
            if name in SESSION_CALLS or (method and name == "begin"):
                problems.append(f"{module}:{node.lineno} calls {name}(): only db/ opens sessions "
                                "(ask db.queries.Store)")
    return problems


def tree_problems(check) -> list[str]:
    """What `check(module, source, is_package)` finds in every checked module."""
    problems: list[str] = []
    for path in checked_files():
        problems += check(module_name(path), path.read_text(encoding="utf-8"),
                          path.name == "__init__.py")
    return problems


def assert_caught(problems: list[str], expected: list[str]) -> None:
    """The checker found one problem for each expected one, each saying those words."""
    assert len(problems) == len(expected), problems
    for problem, words in zip(problems, expected):
        assert words in problem


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
    problems = tree_problems(wrong_way_imports)
    assert problems == [], "wrong-way imports:\n" + "\n".join(problems)


def test_flask_is_registered_in_server_and_dash_in_callbacks() -> None:
    problems = tree_problems(misplaced_hooks)
    assert problems == [], "registered on the wrong side:\n" + "\n".join(problems)


def test_only_db_opens_sessions() -> None:
    problems = tree_problems(sessions_outside_db)
    assert problems == [], "sessions outside db/:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        ("metrics.flows", "import pandas\nfrom metrics.quarters import Quarter\n", []),
        ("metrics.flows", "from db.models import Child\n", ["metrics may import metrics"]),
        ("metrics.flows", "import config\n", ["metrics may import metrics"]),
        ("db.queries", "from config import Settings\nfrom metrics import quarters\n", []),
        ("db.queries", "def f():\n    from layouts import ids\n", ["db may import config"]),
        ("layouts.returns", "from layouts import ids\nimport dash\n", []),
        ("layouts.returns", "from callbacks.returns import show\n", ["layouts may import charts, layouts"]),
        ("layouts.returns", "from metrics.quarters import Quarter\nfrom charts import PAGES\n", []),
        ("layouts.returns", "from db.queries import Store\n", ["layouts may import"]),
        ("charts.view", "from metrics.engine import compute_many\nfrom charts.query import Query\n", []),
        ("charts.view", "from layouts import ids\n", ["charts may import charts, metrics"]),
        ("charts.view", "from server.api import rows\n", ["charts may import charts, metrics"]),
        ("callbacks.returns", "from db.queries import Store\nfrom layouts import ids\n", []),
        ("callbacks.returns", "from app import app\n", ["nothing imports app"]),
        ("db.importer.store", "from ..models import Return\n", []),
        ("config", "from db import engine\n", ["config may import nothing of ours"]),
        ("app", "from callbacks import returns\nfrom layouts import shell\n", []),
        ("app", "from server import api\nfrom server.services import Services\n", []),
        ("server.api", "from db.queries import Store\nfrom layouts import ids\n"
         "from server.auth import caller_of\n", []),
        ("server.api", "from callbacks.returns import show_returns\n",
         ["server may import charts, config, db, layouts, metrics, server"]),
        ("server.images", "from callbacks.filters import describe\n", ["server may import"]),
        ("server.warm", "from charts import CHARTS\n", []),
        ("server.warm", "from callbacks.chart_pages import page_cards\n", ["server may import"]),
        ("server.auth", "from app import app\n", ["nothing imports app"]),
        ("callbacks.records", "from server.api import problem\n", []),
        ("callbacks.records", "from charts import CHARTS\n", []),
        ("db.queries", "from server.services import Services\n", ["db may import"]),
        ("layouts.returns", "from server import renderers\n", ["layouts may import"]),
        ("metrics.export", "from charts import CHARTS\n", ["metrics may import"]),
    ],
)
def test_checker_catches_wrong_way_arrows(module: str, source: str, expected: list[str]) -> None:
    assert_caught(wrong_way_imports(module, source), expected)


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


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        ("server.health", "def register(app, services):\n"
         "    app.server.add_url_rule('/health', view_func=f)\n", []),
        ("server.security", "def register(app, services):\n"
         "    app.server.before_request(f)\n    app.server.after_request(g)\n", []),
        ("callbacks.returns", "def register(app, services):\n"
         "    app.callback(Output('a', 'b'), Input('c', 'd'))(f)\n", []),
        ("callbacks.records", "def register(app, services):\n"
         "    app.server.add_url_rule('/api/x', view_func=f)\n", ["calls add_url_rule"]),
        ("callbacks.load", "def register(app, services):\n"
         "    app.server.before_request(f)\n", ["calls before_request"]),
        ("callbacks.load", "def register(app, services):\n"
         "    app.server.after_request(f)\n", ["calls after_request"]),
        ("callbacks.audit", "@server.route('/audit.csv')\ndef audit_csv():\n    pass\n",
         ["calls route"]),
        ("callbacks.board", "def route(x):\n    return x\nroute(1)\n", []),  # not Flask's
        ("server.images", "def register(app, services):\n"
         "    app.callback(Output('a', 'b'), Input('c', 'd'))(f)\n", ["calls callback"]),
        ("server.auth", "from dash import callback\n@callback(Output('a', 'b'), Input('c', 'd'))\n"
         "def f(x):\n    pass\n", ["calls callback"]),
        ("server.auth", "def register(app, services):\n    app.layout = frame\n",
         ["sets a Dash layout"]),
        ("app", "app.server.before_request(f)\napp.callback(Output('a', 'b'))(g)\n", []),
    ],
)
def test_checker_catches_hooks_on_the_wrong_side(module: str, source: str,
                                                 expected: list[str]) -> None:
    assert_caught(misplaced_hooks(module, source), expected)


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        ("db.importer.pipeline", "from sqlalchemy.orm import Session, sessionmaker\n"
         "with sessions.begin() as session:\n    pass\n", []),
        ("db.queries", "from db.engine import session_factory\nsessions = session_factory(s)\n", []),
        ("server.api", "from sqlalchemy.exc import SQLAlchemyError\nfrom sqlalchemy import exc\n", []),
        ("server.services", "services.measures.begin_reading()\n", []),
        ("callbacks.load", "from db.engine import session_factory\n",
         ["imports db.engine.session_factory"]),
        ("callbacks.load", "from db import engine\n", ["imports db.engine"]),
        ("server.services", "import db.engine\n", ["imports db.engine"]),
        ("callbacks.load", "from sqlalchemy.orm import Session\n", ["imports sqlalchemy.orm"]),
        ("server.health", "from sqlalchemy import text\n", ["imports sqlalchemy.text"]),
        ("app", "import sqlalchemy\n", ["imports sqlalchemy"]),
        ("callbacks.load", "with session_factory(settings).begin() as session:\n    pass\n",
         ["calls begin()", "calls session_factory()"]),
        ("server.services", "store = Store(sessionmaker(engine))\n", ["calls sessionmaker()"]),
        ("callbacks.load", "with services.store._sessions.begin() as session:\n    pass\n",
         ["calls begin()"]),
    ],
)
def test_checker_catches_sessions_outside_db(module: str, source: str, expected: list[str]) -> None:
    problems = sessions_outside_db(module, source)
    assert len(problems) == len(expected), problems
    for words in expected:
        assert any(words in problem for problem in problems), (words, problems)


# ---------------------------------------------------------------- the pure packages


def frameworks_in_pure_packages(module: str, source: str, is_package: bool = False) -> list[str]:
    """An import of Dash, Flask or SQLAlchemy (or their kin) in charts/ or metrics/."""
    if module.split(".")[0] not in PURE:
        return []
    return [f"{module}:{line} imports {name}: {module.split('.')[0]}/ is pure (frames in, frames "
            "or figures out); Dash belongs in layouts/ and callbacks/, Flask in server/, "
            "SQLAlchemy in db/"
            for line, name in imported_modules(module, source, is_package)
            if name.split(".")[0] in FRAMEWORKS]


def test_charts_and_metrics_import_no_framework() -> None:
    problems = tree_problems(frameworks_in_pure_packages)
    assert problems == [], "frameworks in pure packages:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        ("charts.view", "import pandas as pd\nimport plotly.graph_objects as go\n", []),
        ("charts.view", "from dash import html\n", ["imports dash"]),
        ("charts.pages.overview", "def f():\n    import flask\n", ["imports flask"]),
        ("metrics.engine", "from sqlalchemy import select\n", ["imports sqlalchemy"]),
        ("metrics.engine", "from sqlalchemy.exc import SQLAlchemyError\n", ["imports sqlalchemy"]),
        ("charts.query", "from werkzeug.datastructures import MultiDict\n", ["imports werkzeug"]),
        ("layouts.filters", "from dash import html\n", []),
        ("server.api", "from flask import request\n", []),
    ],
)
def test_checker_catches_frameworks_in_pure_packages(module: str, source: str,
                                                     expected: list[str]) -> None:
    assert_caught(frameworks_in_pure_packages(module, source), expected)


# ---------------------------------------------------------------- callbacks/ is Dash handlers


def test_every_callbacks_module_registers_its_handlers() -> None:
    """A module in callbacks/ is a page's Dash handlers: `register(app, services)`."""
    missing = [module_name(p) for p in sorted((PROJECT_ROOT / "callbacks").glob("*.py"))
               if p.name != "__init__.py" and not has_register(p.read_text(encoding="utf-8"))]
    assert missing == [], f"callbacks modules without register(app, services): {missing}"


def has_register(source: str) -> bool:
    return any(isinstance(node, ast.FunctionDef) and node.name == "register"
               for node in ast.parse(source).body)


def test_checker_finds_register() -> None:
    assert has_register("def register(app, services):\n    pass\n")
    assert not has_register("def measure_entries():\n    pass\n")
    assert not has_register("class A:\n    def register(self):\n        pass\n")


# ---------------------------------------------------------------- no import cycles


def import_graph(sources: dict[str, tuple[str, bool]]) -> dict[str, set[str]]:
    """Module -> the modules of ours it imports (anywhere in it, inside functions too). `from
    a import b` is an import of the module a.b when there is one, else of a."""
    graph: dict[str, set[str]] = {}
    for module, (source, is_package) in sources.items():
        found = set()
        for _line, name in imported_names(module, source, is_package):
            target = name if name in sources else name.rpartition(".")[0]
            while target and target not in sources:  # `import a.b.c` where a.b.c is a name
                target = target.rpartition(".")[0]
            if target and target != module:
                found.add(target)
        graph[module] = found
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each import cycle once, as the modules around it (Tarjan's strongly connected parts)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for target in sorted(graph.get(module, ())):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            part = []
            while True:
                top = stack.pop()
                part.append(top)
                if top == module:
                    break
            if len(part) > 1:
                found.append(sorted(part))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def test_no_import_cycles_between_our_modules() -> None:
    sources = {module_name(p): (p.read_text(encoding="utf-8"), p.name == "__init__.py")
               for p in checked_files()}
    found = cycles(import_graph(sources))
    assert found == [], "import cycles (each line: modules that import each other round):\n" + \
        "\n".join(" <-> ".join(c) for c in found)


@pytest.mark.parametrize(
    ("sources", "expected"),
    [
        ({"metrics.engine": "from metrics.tallies import Cell\n", "metrics.tallies": ""}, []),
        # the engine <-> measures cycle this package once hid in a function-level import
        ({"metrics.engine": "def f():\n    import metrics.measures\n",
          "metrics.measures": "from metrics.engine import Context\n"},
         [["metrics.engine", "metrics.measures"]]),
        ({"charts.a": "from charts.b import x\n", "charts.b": "from charts.c import y\n",
          "charts.c": "from charts import a\n", "charts": ""},
         [["charts.a", "charts.b", "charts.c"]]),
        ({"charts": "from charts.pages import overview\n", "charts.pages": "",
          "charts.pages.overview": "from charts.spec import Page\n", "charts.spec": ""}, []),
        ({"charts": "from charts.pages import overview\n", "charts.pages": "",
          "charts.pages.overview": "from charts import CHARTS\n"},
         [["charts", "charts.pages.overview"]]),
    ],
)
def test_checker_catches_import_cycles(sources: dict[str, str], expected: list[list[str]]) -> None:
    graph = import_graph({m: (s, False) for m, s in sources.items()})
    assert cycles(graph) == expected


# ---------------------------------------------------------------- the chart registry


def registry_writes(module: str, source: str, is_package: bool = False) -> list[str]:
    """`CHARTS[...] = `, `CHARTS.update(...)`, `PAGES += ...` and the like outside
    charts/__init__.py: the registry is built in one place, never filled by an import."""
    if module == "charts":
        return []
    problems = []
    for node in ast.walk(ast.parse(source)):
        targets = []
        if isinstance(node, (ast.Assign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            base = target.value if isinstance(target, ast.Subscript) else target
            if isinstance(node, ast.AugAssign) or isinstance(target, ast.Subscript):
                if isinstance(base, (ast.Name, ast.Attribute)) and \
                        getattr(base, "id", getattr(base, "attr", "")) in ("CHARTS", "PAGES"):
                    problems.append(f"{module}:{node.lineno} changes the chart registry")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                node.func.attr in ("update", "setdefault", "append", "extend", "pop") and \
                getattr(node.func.value, "id", getattr(node.func.value, "attr", "")) in ("CHARTS", "PAGES"):
            problems.append(f"{module}:{node.lineno} calls {node.func.attr} on the chart registry")
    return problems


def test_the_chart_registry_is_built_in_one_place() -> None:
    problems = tree_problems(registry_writes)
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        ("charts", "CHARTS = {c.id: c for c in charts}\n", []),
        ("callbacks.chart_pages", "from charts import CHARTS\nCHARTS.update({'x': chart})\n",
         ["calls update"]),
        ("charts.pages.adopters", "from charts import CHARTS\nCHARTS['x'] = chart\n",
         ["changes the chart registry"]),
        ("server.api", "import charts\ncharts.CHARTS['x'] = chart\n", ["changes the chart registry"]),
        ("charts.pages.extra", "import charts\ncharts.PAGES += (page,)\n", ["changes the chart registry"]),
        ("callbacks.chart_pages", "cards = {}\ncards['x'] = 1\n", []),
    ],
)
def test_checker_catches_registry_writes(module: str, source: str, expected: list[str]) -> None:
    assert_caught(registry_writes(module, source), expected)


def test_import_charts_alone_yields_every_chart() -> None:
    """In a fresh interpreter, `import charts` and nothing else: every chart the pages draw is
    in CHARTS, and no framework was imported on the way."""
    script = ("import json, sys, charts; print(json.dumps({'charts': sorted(charts.CHARTS), "
              "'drawn': sorted({c.id for p in charts.PAGES for c, _ in p.charts} | "
              "{c.id for c in charts.ELSEWHERE}), 'frameworks': sorted({m.split('.')[0] for m in "
              f"sys.modules}} & set({list(FRAMEWORKS)!r}))}}))")
    out = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True,
                         text=True, check=True, env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)})
    fresh = json.loads(out.stdout)
    assert fresh["frameworks"] == []
    assert fresh["charts"] == fresh["drawn"] and len(fresh["charts"]) == 62  # 37, 18 for the board questions (issue 18), 2 projections and 5 funnels (issue 19)
    # The same registry once every other module is loaded too (aside from what runs when
    # imported: app.py builds the default app, db's CLI and the migrations run): no import
    # adds to it.
    for path in checked_files():
        name = module_name(path)
        if name != "app" and not name.endswith("__main__") and not name.startswith("db.migrations"):
            importlib.import_module(name)
    import charts  # noqa: PLC0415

    assert sorted(charts.CHARTS) == fresh["charts"]


# ---------------------------------------------------------------- docstrings say what they import

IMPORTS_SENTENCE = re.compile(r"(?:^|[.:;)]\s)\s*[Ii]mports (.+?)\.(?:\s|$)", re.S)


def unsaid_imports(module: str, source: str, is_package: bool = False) -> list[str]:
    """A module's first docstring says what it may import ("Imports dash, charts and layouts
    only."); each package of ours it does import must be named there. A module with no code
    (an empty package) is exempt; so are the migrations and `python -m` entry points."""
    tree = ast.parse(source)
    if not tree.body or module.startswith("db.migrations") or module.endswith("__main__"):
        return []
    found = IMPORTS_SENTENCE.search((ast.get_docstring(tree) or "").replace("\n", " "))
    if found is None:
        return [f"{module}: its docstring does not say what it imports ('Imports ... only.')"]
    said = set(re.findall(r"[a-z_]+", found.group(1).lower()))
    if "everything" in said:  # app.py
        return []
    used = {name.split(".")[0] for _, name in imported_modules(module, source, is_package)}
    top = module.split(".")[0]
    return [f"{module}: imports {name} but its docstring says it imports {found.group(1)!r}"
            for name in sorted((used & OURS) - said - {top, "tests"})]


def test_module_docstrings_name_the_packages_they_import() -> None:
    problems = tree_problems(unsaid_imports)
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        ("charts.view", '"""A view. Imports pandas, charts and metrics only."""\n'
         "from metrics.engine import x\nfrom charts.query import Query\n", []),
        ("charts.view", '"""A view. Imports pandas and charts only."""\nfrom metrics.engine import x\n',
         ["imports metrics"]),
        ("server.api", '"""The API.\n\nImports flask and server only."""\nfrom charts import CHARTS\n'
         "from layouts import ids\n", ["imports charts", "imports layouts"]),
        ("metrics.export", '"""Rows. Pure pandas; imports nothing of ours."""\nimport pandas\n', []),
        ("callbacks.board", '"""Board mode."""\nfrom server.auth import caller_of\n',
         ["does not say what it imports"]),
        ("layouts", "", []),
    ],
)
def test_checker_catches_unsaid_imports(module: str, source: str, expected: list[str]) -> None:
    assert_caught(unsaid_imports(module, source), expected)


def test_no_file_keeps_a_merge_conflicts_markers() -> None:
    """A merge resolved in haste once left `<<<<<<< HEAD` in the README."""
    found = []
    for path in sorted(PROJECT_ROOT.rglob("*")):
        if (path.suffix not in (".py", ".md", ".css", ".js", ".toml", ".txt", ".cfg", ".ini")
                or any(part.startswith(".") or part in ("node_modules", "data") for part in path.relative_to(PROJECT_ROOT).parts)):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if line.startswith(("<<<<<<< ", ">>>>>>> ")) or line == "=======":
                found.append(f"{path.relative_to(PROJECT_ROOT)}:{number}")
    assert not found, found
