"""The Dockerfile serves what exists: `app:server` imports, ports agree, requirements are pinned."""

from __future__ import annotations

import importlib
import json
import re

import flask
import pytest

from config import PROJECT_ROOT

DOCKERFILE = PROJECT_ROOT / "Dockerfile"
PIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(\[[A-Za-z0-9,._-]+\])?==[A-Za-z0-9.+!-]+$")


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    text = DOCKERFILE.read_text(encoding="utf-8")
    joined = re.sub(r"\\\n\s*", " ", text)
    found = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            found.append((word.upper(), rest.strip()))
    return found


def last(name: str) -> str:
    values = [rest for word, rest in instructions() if word == name]
    assert values, f"Dockerfile has no {name}"
    return values[-1]


def test_base_image_is_python_311_slim() -> None:
    assert instructions()[0] == ("FROM", "python:3.11-slim")


def test_cmd_runs_gunicorn_on_an_importable_server() -> None:
    cmd = json.loads(last("CMD"))  # exec form, so signals reach gunicorn
    assert cmd[0] == "gunicorn"
    target = next(arg for arg in cmd[1:] if ":" in arg and not arg.startswith("-"))
    module_name, attribute = target.split(":")
    assert (module_name, attribute) == ("app", "server")
    server = getattr(importlib.import_module(module_name), attribute)
    assert isinstance(server, flask.Flask)
    assert "/health" in {rule.rule for rule in server.url_map.iter_rules()}


def test_ports_agree() -> None:
    cmd = json.loads(last("CMD"))
    bind = cmd[cmd.index("--bind") + 1]
    assert bind == "0.0.0.0:8050"
    assert last("EXPOSE") == "8050"
    assert "127.0.0.1:8050/health" in last("HEALTHCHECK")


def test_runs_as_a_user_other_than_root() -> None:
    words = [word for word, _ in instructions()]
    user = last("USER")
    assert user not in {"root", "0"}
    assert words.index("USER") < words.index("CMD")


@pytest.mark.parametrize("name", ["requirements.txt", "requirements-test.txt"])
def test_requirements_are_pinned_exactly(name: str) -> None:
    lines = (PROJECT_ROOT / name).read_text(encoding="utf-8").splitlines()
    entries = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    loose = [line for line in entries if not line.startswith("-r ") and not PIN.match(line)]
    assert entries and loose == [], f"{name}: pin these with ==: {loose}"


def test_the_container_and_make_run_serve_with_the_same_gunicorn_config() -> None:
    """gunicorn.conf.py warms the caches before the port opens (tests/test_warm.py): both
    ways of serving must read it."""
    cmd = json.loads(last("CMD"))
    config = cmd[cmd.index("--config") + 1]
    assert (PROJECT_ROOT / config).is_file()
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    assert f"gunicorn --config {config} app:server" in makefile
