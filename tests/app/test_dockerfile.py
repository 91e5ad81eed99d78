"""The Dockerfile serves what exists: `app:server` imports, ports agree, requirements are pinned,
and its command, the README's production command, starts this app sized by the environment."""

from __future__ import annotations

import importlib
import json
import os
import re
import runpy
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from unittest import mock

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
    """gunicorn.conf.py binds to PORT, which the image sets to what it exposes and checks."""
    assert "PORT=8050" in [rest for word, rest in instructions() if word == "ENV"]
    assert last("EXPOSE") == "8050"
    assert "127.0.0.1:{os.environ[" in last("HEALTHCHECK") and "PORT" in last("HEALTHCHECK")
    assert config_of({"PORT": "8050"})["bind"] == "0.0.0.0:8050"


def config_of(environ: dict[str, str]) -> dict:
    """gunicorn.conf.py's settings, read under `environ`."""
    with mock.patch.dict(os.environ, environ, clear=True):
        return runpy.run_path(str(PROJECT_ROOT / "gunicorn.conf.py"))


def test_workers_threads_and_port_come_from_the_environment() -> None:
    default = config_of({})
    assert (default["bind"], default["workers"], default["threads"]) == ("0.0.0.0:8050", 2, 4)
    sized = config_of({"PORT": "9000", "WEB_CONCURRENCY": "6", "GUNICORN_THREADS": "8"})
    assert (sized["bind"], sized["workers"], sized["threads"]) == ("0.0.0.0:9000", 6, 8)
    with pytest.raises(ValueError, match="WEB_CONCURRENCY"):
        config_of({"WEB_CONCURRENCY": "many"})


def readme_production_command() -> str:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Production", 1)[1]
    return next(line.strip() for line in section.splitlines() if line.startswith("gunicorn "))


def test_the_container_and_the_readme_start_the_same_app(sqlite_url: str, tmp_path) -> None:
    """The README's production command is the Dockerfile's, word for word; run as the
    container runs it (sized and bound by the environment), it serves this app."""
    cmd = json.loads(last("CMD"))
    assert readme_production_command() == " ".join(cmd)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PORT": str(port), "WEB_CONCURRENCY": "1", "GUNICORN_THREADS": "2",
           "DATABASE_URL": sqlite_url, "SECRET_KEY": "test-key-for-the-container-command"}
    log = tmp_path / "gunicorn.log"
    executable = str(Path(sys.executable).parent / cmd[0])
    with open(log, "wb") as out:
        server = subprocess.Popen([executable, *cmd[1:]], cwd=PROJECT_ROOT, env=env,
                                  stdout=out, stderr=subprocess.STDOUT)
    try:
        health = wait_for(f"http://127.0.0.1:{port}/health", server, log)
        assert json.loads(health) == {"status": "ok", "database": "ok"}
        sign_in = urllib.request.urlopen(f"http://127.0.0.1:{port}/sign-in", timeout=10).read()
        assert b"ASG Dashboard" in sign_in
    finally:
        server.terminate()
        server.wait(timeout=30)
    text = log.read_text(errors="replace")
    assert "Using worker: gthread" in text and text.count("Booting worker") == 1, text


def wait_for(url: str, server: subprocess.Popen, log: Path, seconds: float = 90) -> bytes:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert server.poll() is None, log.read_text(errors="replace")
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                return answer.read()
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not answer in {seconds} s:\n{log.read_text(errors='replace')}")


def test_runs_as_a_user_other_than_root() -> None:
    words = [word for word, _ in instructions()]
    user = last("USER")
    assert user not in {"root", "0"}
    assert words.index("USER") < words.index("CMD")


@pytest.mark.parametrize("name", ["requirements.txt", "requirements-test.txt",
                                  "requirements-loadtest.txt"])
def test_requirements_are_pinned_exactly(name: str) -> None:
    lines = (PROJECT_ROOT / name).read_text(encoding="utf-8").splitlines()
    entries = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    loose = [line for line in entries if not line.startswith("-r ") and not PIN.match(line)]
    assert entries and loose == [], f"{name}: pin these with ==: {loose}"


def test_the_container_and_make_run_serve_with_the_same_gunicorn_config() -> None:
    """gunicorn.conf.py warms the caches before the port opens (tests/app/test_warm.py): both
    ways of serving must read it."""
    cmd = json.loads(last("CMD"))
    config = cmd[cmd.index("--config") + 1]
    assert (PROJECT_ROOT / config).is_file()
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    assert f"gunicorn --config {config} app:server" in makefile
