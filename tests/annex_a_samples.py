"""Read the real Annex A samples in tests/data/samples/annex-a for the value and header tests.

The LIIA schema is YAML but the project has no YAML parser, and only its simple `category:`
blocks are needed (code, then a list of names), so a few lines read those. The SSD query is read
with regular expressions for its CASE branches and column aliases.
"""

from __future__ import annotations

import re
from pathlib import Path

SAMPLES = Path(__file__).parent / "data" / "samples" / "annex-a"
SCHEMA = SAMPLES / "Annex_A_schema.yml"
SSD_QUERY = SAMPLES / "AnnexA_sqlserver_v1.2.0_1_20240731.sql"


def _scalar(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1].replace("''", "'")
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return text[1:-1]
    return text


def schema_categories(header: str, anchor: str | None = None) -> dict[str, list[str]]:
    """{category code: [names]} of the first column block `header:` (or `header: &anchor`)."""
    lines = SCHEMA.read_text(encoding="utf-8").splitlines()
    wanted = re.compile(rf"^(\s*){re.escape(header)}:\s*(&{re.escape(anchor)})?\s*$"
                        if anchor else rf"^(\s*){re.escape(header)}:\s*(&\S+)?\s*$")
    start = next(i for i, line in enumerate(lines) if wanted.match(line))
    indent = len(wanted.match(lines[start]).group(1))
    categories: dict[str, list[str]] = {}
    code: str | None = None
    last: tuple[str, int] | None = None  # ("code"|"name", index) the next continuation extends
    for line in lines[start + 1:]:
        if line.strip() and len(line) - len(line.lstrip()) <= indent:
            break
        stripped = line.strip()
        item = re.match(r"^-\s+code:\s*(.*)$", stripped)
        if item:
            code = _scalar(item.group(1))
            categories.setdefault(code, [])
            last = ("code", 0)
            continue
        if stripped.startswith("name:") or stripped.startswith("category:") or \
                stripped.startswith("canbeblank") or stripped.startswith("cell_regex"):
            last = None
            rest = stripped.split(":", 1)[1].strip()
            if stripped.startswith("name:") and rest and code is not None:
                categories[code].append(_scalar(rest))
            continue
        name = re.match(r"^-\s+(.*)$", stripped)
        if name and code is not None:
            categories[code].append(name.group(1))
            last = ("name", len(categories[code]) - 1)
            continue
        if stripped and last is not None and code is not None:  # a folded continuation line
            if last[0] == "name":
                categories[code][last[1]] += " " + stripped
            else:
                renamed = _scalar(code + " " + stripped)
                categories[renamed] = categories.pop(code)
                code = renamed
    return {c: [_scalar(n) for n in names] for c, names in categories.items()}


def ssd_section(report_name: str) -> str:
    """The SQL of one list, from its `Report Name:` to the next one."""
    sql = SSD_QUERY.read_text(encoding="utf-8")
    start = sql.index(f"Report Name: {report_name}")
    end = sql.find("Report Name:", start + 1)
    return sql[start: end if end > 0 else len(sql)]


def ssd_aliases(report_name: str) -> list[str]:
    """The column aliases (`AS EnteredCareDate`) of the list's SELECT."""
    select = ssd_section(report_name).split("INTO ", 1)[0]
    return re.findall(r"\bAS\s+([A-Za-z][A-Za-z0-9_]*)\s*,?\s*(?:--.*|/\*.*)?$", select, re.M)


def ssd_case(report_name: str, alias: str) -> list[tuple[str, str]]:
    """(condition, value written) of each WHEN of the CASE that ends `AS alias`."""
    section = ssd_section(report_name)
    end = re.search(rf"END\s+AS\s+{alias}\b", section)
    case = section[section.rindex("CASE", 0, end.start()): end.start()]
    branches = re.findall(r"WHEN\s+(.*?)\s+THEN\s+'((?:[^']|'')*)'", case)
    default = re.findall(r"ELSE\s+'((?:[^']|'')*)'", case)
    return branches + [("ELSE", d) for d in default]
