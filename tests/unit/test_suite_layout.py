"""The test suite's own rules: each test module sits in the folder for what it needs (README's
"Tests"), each folder is a package so two modules may share a name, and a broken import fails
the run instead of skipping the tests that needed it."""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
KINDS = ("unit", "db", "app", "browser")
# Ways a test can skip when something does not import: importorskip, an except around an
# import that calls skip, or a skipif on whether a module can be found.
SKIPS_ON_IMPORT = re.compile(
    r"importorskip|except\b.*\b(ImportError|ModuleNotFoundError)\b|find_spec")


def test_every_test_module_sits_in_the_folder_of_its_kind() -> None:
    loose = [path.relative_to(TESTS).as_posix() for path in TESTS.rglob("test_*.py")
             if path.relative_to(TESTS).parts[0] not in KINDS]
    assert loose == [], f"move these into tests/{'|'.join(KINDS)}: {loose}"


def test_each_folder_is_a_package() -> None:
    assert (TESTS / "__init__.py").is_file()
    assert [kind for kind in KINDS if not (TESTS / kind / "__init__.py").is_file()] == []


def test_a_broken_import_fails_and_never_skips() -> None:
    found = [f"{path.relative_to(TESTS)}:{number}: {line.strip()}"
             for path in sorted(TESTS.rglob("*.py")) if path != Path(__file__).resolve()
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if SKIPS_ON_IMPORT.search(line)]
    assert found == [], "a test must fail when our code does not import:\n" + "\n".join(found)
