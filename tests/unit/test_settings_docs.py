"""docs/settings.md carries the settings table exactly as config.py declares it."""

from __future__ import annotations

import re

from config import PROJECT_ROOT, SETTINGS, settings_table_markdown

DOC = PROJECT_ROOT / "docs" / "settings.md"
SECTION = re.compile(
    r"<!-- settings table: start -->\n(.*)\n<!-- settings table: end -->", re.DOTALL
)
REGENERATE = (
    "docs/settings.md is out of step with config.py; paste the output of\n"
    "  python -c 'import config; print(config.settings_table_markdown())'\n"
    "between the settings table markers"
)


def test_settings_doc_matches_the_table() -> None:
    match = SECTION.search(DOC.read_text(encoding="utf-8"))
    assert match, "docs/settings.md has lost its settings table markers"
    assert match[1] == settings_table_markdown(), REGENERATE


def test_every_setting_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = [s.name for s in SETTINGS if f"| `{s.name}` |" not in text or not s.help.strip()]
    assert missing == [], f"settings without documentation: {missing}"
