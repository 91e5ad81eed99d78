"""`.ci/ran.py`, which makes CI fail when PostgreSQL, Redis or browser tests did not run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def report(tmp_path: Path, *cases: str) -> Path:
    path = tmp_path / "report.xml"
    path.write_text(f"<testsuites><testsuite>{''.join(cases)}</testsuite></testsuites>")
    return path


def ran(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / ".ci" / "ran.py"), str(path)],
                          capture_output=True, text=True)


PG = '<testcase classname="tests.test_x" name="test_a[postgresql]"{}</testcase>'
BROWSER = '<testcase classname="tests.browser.test_smoke" name="test_page"{}</testcase>'
REDIS = ('<testcase classname="tests.test_cache" name="test_shared[sqlite]"{}'
         '<properties><property name="service" value="redis"/></properties></testcase>')
# Named for Redis, but it does not use it: not counted as a Redis test.
ABOUT_REDIS = '<testcase classname="tests.test_ci_ran" name="test_redis_skipped"{}</testcase>'


def test_passes_when_every_kind_ran(tmp_path):
    result = ran(report(tmp_path, PG.format(">"), REDIS.format(">"), BROWSER.format(">")))
    assert result.returncode == 0
    assert "PostgreSQL tests: 1 passed" in result.stdout
    assert "Redis tests: 1 passed" in result.stdout
    assert "tests.browser.test_smoke::test_page passed" in result.stdout


def test_fails_when_postgresql_tests_were_skipped(tmp_path):
    result = ran(report(tmp_path, PG.format("><skipped/>"), REDIS.format(">"), BROWSER.format(">")))
    assert result.returncode == 1
    assert "PostgreSQL tests: 1 skipped" in result.stdout


def test_fails_when_redis_tests_were_skipped(tmp_path):
    result = ran(report(tmp_path, PG.format(">"), REDIS.format("><skipped/>"), BROWSER.format(">")))
    assert result.returncode == 1
    assert "Redis tests: 1 skipped" in result.stdout


def test_fails_when_no_test_used_redis(tmp_path):
    result = ran(report(tmp_path, PG.format(">"), ABOUT_REDIS.format(">"), BROWSER.format(">")))
    assert result.returncode == 1
    assert "Redis tests: none" in result.stdout


def test_fails_when_no_browser_test_ran(tmp_path):
    result = ran(report(tmp_path, PG.format(">"), REDIS.format(">")))
    assert result.returncode == 1
    assert "browser tests: none" in result.stdout
