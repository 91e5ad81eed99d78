"""Read an SSDA903 (children looked after) extract into the DfE's own tables, one or more years.

An extract is CSV tables recognised by their header row whatever the files are called (a folder,
a zip, or several files given together; a subfolder or zip directory per collection year), or the
XML form LAs send to the DfE (`<EXPSSDA903><CHILD><HEADER>...<EPISODE>...`, schema CLA.xsd).
Text is UTF-8 with or without BOM, or UTF-16 with BOM. Years read together are stitched: an
episode open at 31 March appears again the next year and is kept once (the later year's), and a
child's header row is the latest year's. Checks carry the DfE's rule numbers ("903-333") so an
analyst can find the record in the case system; our own reading checks are S01-S05 (below).
Pure reading: nothing here knows the dashboard's return; deriving it is `ssda903_derive`.
Imports db.importer.readers, db.importer.report and pandas.

Our own checks (the DfE's have their numbers):
S01 warning  two files carry the same table for one year (their rows are read together)
S02 warning  an episode read in two years differs beyond its closing (the later year's is kept)
S03 warning  a child's SEX or DOB differs between years (the latest year's is kept)
S04 warning  DATE_INT equals DATE_MATCH: decision and match on the same day (no DfE rule; unlikely)
S05 warning  a 903 table's file lacks a column that is not needed to recognise it (read as blank)
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Iterable

import pandas as pd
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from db.importer.readers import csv_rows, decode_csv, f01
from db.importer.report import Issue, Rejected

TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "header": ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
    "episodes": ("CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                 "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"),
    "ad1": ("CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR",
            "LS_ADOPTR"),
    "placed_adoption": ("CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED",
                        "REASON_PLACED_CEASED"),
    "prev_perm": ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"),
    "reviews": ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"),
    "uasc": ("CHILD", "SEX", "DOB", "DUC"),
    "oc2": ("CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK",
            "IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE",
            "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"),
    "oc3": ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"),
    "missing": ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"),
}
# The columns that identify a table by its header (with CHILD), whatever the file's name.
KEY_COLUMNS: dict[str, tuple[str, ...]] = {
    "header": ("SEX", "ETHNIC"),
    "episodes": ("DECOM", "RNE", "LS", "PLACE"),
    "ad1": ("DATE_INT", "DATE_MATCH"),
    "placed_adoption": ("DATE_PLACED",),
    "prev_perm": ("PREV_PERM",),
    "reviews": ("REVIEW", "REVIEW_CODE"),
    "uasc": ("DUC",),
    "oc2": ("SDQ_SCORE",),
    "oc3": ("IN_TOUCH", "ACTIV", "ACCOM"),
    "missing": ("MISSING", "MIS_START"),
}
# The DfE's names for the tables (its validator and guidance), for messages.
DFE_NAMES = {"header": "Header", "episodes": "Episodes", "ad1": "AD1",
             "placed_adoption": "PlacedAdoption", "prev_perm": "PrevPerm", "reviews": "Reviews",
             "uasc": "UASC", "oc2": "OC2", "oc3": "OC3", "missing": "Missing"}
# DATE_PERM may be partly unknown (zz/zz/yyyy) by the DfE's guidance, so it stays text.
DATE_COLUMNS = frozenset({"DOB", "MC_DOB", "DECOM", "DEC", "DATE_INT", "DATE_MATCH",
                          "DATE_PLACED", "DATE_PLACED_CEASED", "REVIEW", "DUC", "MIS_START",
                          "MIS_END"})
FRAME_EXTRA = ("YEAR", "_source", "_row")

# DfE code lists (903 guidance; rule numbers as the DfE's own checks name them).
ETHNIC = frozenset("WBRI WIRI WOTH WIRT WROM MWBC MWBA MWAS MOTH AIND APKN ABAN AOTH BCRB BAFR "
                   "BOTH CHNE OOTH REFU NOBT".split())
RNE = frozenset("S P L T U B".split())
LS = frozenset("C1 C2 D1 E1 V2 V3 V4 J1 J2 J3 L1 L2 L3".split())
CIN = frozenset("N1 N2 N3 N4 N5 N6 N7 N8".split())
PLACE = frozenset("A3 A4 A5 A6 H5 K1 K2 P1 P2 P3 R1 R2 R3 R5 S1 T0 T1 T2 T3 T4 U1 U2 U3 U4 U5 "
                  "U6 Z1".split())
REC = frozenset("E11 E12 E2 E3 E4A E4B E13 E41 E45 E46 E47 E48 E5 E6 E7 E8 E9 E14 E15 E16 E17 "
                "X1".split()
                # The SGO codes before 2015-16 split them by carer: episodes that ended then
                # still come in a multi-year extract (ssda903_derive reads them as SGOs).
                + ["E43", "E44"])
REASON_PLACED_CEASED = frozenset("RD1 RD2 RD3 RD4".split())
ADOPTED = ("E11", "E12")
PLACED_FOR_ADOPTION = ("A3", "A4", "A5", "A6")
PLACEMENT_ORDER = ("E1", "D1")
SGO = ("E43", "E44", "E45", "E46", "E47", "E48")

XML_ROOT = "EXPSSDA903"
FIX = "correct it in the case system and export the extract again"


@dataclass
class Extract:
    """An extract as read: `tables` by key (TABLE_COLUMNS), each with the DfE's columns plus
    YEAR (collection year, the year it ends: 2018 for April 2017 to March 2018), `_source` (the
    file) and `_row` (row as the user sees it: CSV line with the header as 1; for XML, the
    CHILD element's position)."""

    tables: dict[str, pd.DataFrame]
    years: list[int]
    issues: list[Issue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- recognising


def table_of(columns: Iterable[str]) -> str | None:
    """The 903 table a header row is, by its columns, or None."""
    have = {c.strip().upper() for c in columns}
    if "CHILD" not in have:
        return None
    matches = [t for t, keys in KEY_COLUMNS.items() if set(keys) <= have]
    # The table most of whose columns are there: uasc's SEX/DOB are also the header's.
    return max(matches, key=lambda t: len(have & set(TABLE_COLUMNS[t])), default=None)


def looks_like(columns: Iterable[str]) -> tuple[str, list[str]] | None:
    """For a header that is not a 903 table: the table it is nearest to and what it lacks."""
    have = {c.strip().upper() for c in columns}
    best = max(TABLE_COLUMNS, key=lambda t: len(have & set(TABLE_COLUMNS[t])))
    if len(have & set(TABLE_COLUMNS[best])) < 2:
        return None
    needed = ("CHILD",) + KEY_COLUMNS[best]
    return best, [c for c in needed if c not in have]


def _head_columns(data: bytes) -> list[str]:
    """The header row of CSV bytes (only the start is needed)."""
    data = data[:65536]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        data = data[: len(data) // 2 * 2]
    try:
        text = decode_csv(data, "", "")
    except Rejected:
        return []
    first = text.split("\n", 1)[0].strip("\r")
    return next(iter(_csv_lines(first)), [])


def _csv_lines(text: str) -> list[list[str]]:
    import csv
    import io

    return list(csv.reader(io.StringIO(text)))


def _is_903_xml(data: bytes) -> bool:
    text = _xml_text(data[:4096], strict=False)
    return bool(re.search(r"<(?:\w+:)?" + XML_ROOT + r"[\s>/]", text))


def recognise(path: Path, kind: str) -> bool:
    """A folder or zip with a CSV whose header is a 903 table (or a 903 XML file), a single 903
    CSV, or the XML form. Never a workbook."""
    try:
        parts = list(_parts(path, kind, heads_only=True))
    except (OSError, zipfile.BadZipFile, Rejected):
        return False
    for _, name, data in parts:
        if name.lower().endswith(".xml") and _is_903_xml(data):
            return True
        if name.lower().endswith(".csv") and table_of(_head_columns(data)):
            return True
    return False


def _parts(path: Path | list[Path], kind: str, heads_only: bool = False):
    """(group, file name, bytes) for each CSV or XML file; group is the folder it is in."""
    limit = 65536 if heads_only else -1
    if isinstance(path, list):
        for p in path:
            yield from _parts(p, "folder" if p.is_dir() else _kind_of(p), heads_only)
        return
    if kind == "folder":
        for child in sorted(path.iterdir()):
            if child.is_dir() and not child.is_symlink():
                for grand in sorted(child.iterdir()):
                    if grand.is_file() and _wanted(grand.name):
                        yield child.name, grand.name, _read(grand, limit)
            elif child.is_file() and _wanted(child.name):
                yield "", child.name, _read(child, limit)
    elif kind == "zip":
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                name = info.filename
                if info.is_dir() or name.startswith("__MACOSX/") or not _wanted(name):
                    continue
                posix = PurePosixPath(name)
                group = posix.parent.name if str(posix.parent) != "." else ""
                with archive.open(info) as f:
                    yield group, posix.name, f.read(limit)
    elif kind in ("csv", "xml"):
        yield "", path.name, _read(path, limit)


def _kind_of(path: Path) -> str:
    return {".csv": "csv", ".xml": "xml", ".zip": "zip"}.get(path.suffix.lower(), "other")


def _wanted(name: str) -> bool:
    return name.lower().endswith((".csv", ".xml"))


def _read(path: Path, limit: int) -> bytes:
    with path.open("rb") as f:
        return f.read(limit)


# ---------------------------------------------------------------- reading


def read_extract(path_or_paths: Path | list[Path], kind: str, max_rows: int = 200_000) -> Extract:
    """Read an extract that `safety.check_file` called `kind` ("folder", "zip", "csv", "xml";
    several files given together: a list of paths, each checked, with kind "files").

    Raises Rejected (F01, F02) when it cannot be read or is not 903 at all."""
    label = (path_or_paths[0].parent.name if isinstance(path_or_paths, list) and path_or_paths
             else Path(path_or_paths).name)
    found: dict[tuple[str, str], list[pd.DataFrame]] = {}
    issues: list[Issue] = []
    notes: list[str] = []
    not_903: list[str] = []
    for group, name, data in _parts(path_or_paths, kind):
        if name.lower().endswith(".xml"):
            if not _is_903_xml(data):
                not_903.append(f"{name} is XML but not the 903 form (no <{XML_ROOT}> root)")
                continue
            for table, frame in _read_xml(data, name, label).items():
                found.setdefault((group, table), []).append(frame)
            continue
        header, rows = csv_rows(decode_csv(data, name, label), name, max_rows, label)
        table = table_of(header)
        if table is None:
            near = looks_like(header)
            if near and near[1]:
                not_903.append(f"{name} looks like the 903 {DFE_NAMES[near[0]]} table but lacks "
                               f"the column(s) {', '.join(near[1])}")
            else:
                not_903.append(f"{name} has no 903 table's columns")
            continue
        frame, missing = _frame(table, header, rows, name)
        if missing:
            issues.append(Issue("S05", source_label(table, name), 1, ", ".join(missing), None,
                                f"the {DFE_NAMES[table]} table has no column "
                                f"{', '.join(missing)}; read as blank. Export the table with "
                                "every 903 column if the case system has them."))
        found.setdefault((group, table), []).append(frame)
    if not found:
        why = "; ".join(not_903) or "it holds no CSV or XML file"
        raise Rejected([Issue("F02", "(file)", None, None, label,
                              f"this is not an SSDA903 extract: {why}. A 903 extract's tables "
                              "are recognised by their header rows (Header: CHILD, SEX, DOB, "
                              "ETHNIC, ...; Episodes: CHILD, DECOM, RNE, LS, PLACE, ...).")])
    for reason in not_903:
        notes.append(f"Not read (not a 903 table): {reason}.")
    tables, years = _by_year(found, issues, notes)
    tables = _stitch(tables, issues, notes)
    issues.extend(check_rules(tables))
    return Extract(tables, years, issues, notes)


def source_label(table: str, source: str) -> str:
    return f"{table} ({source})"


def _frame(table: str, header: list[str], rows: list,
           source: str) -> tuple[pd.DataFrame, list[str]]:
    names = [h.strip().upper() for h in header]
    records = []
    for number, cells in rows:
        record = {n: _text(c) for n, c in zip(names, cells) if n in TABLE_COLUMNS[table]}
        record["_row"] = number
        records.append(record)
    missing = [c for c in TABLE_COLUMNS[table] if c not in names]
    frame = pd.DataFrame.from_records(records, columns=list(TABLE_COLUMNS[table]) + ["_row"])
    frame["_source"] = source
    return frame, missing


def _text(value) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def _empty(table: str) -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in TABLE_COLUMNS[table]})
    for c in DATE_COLUMNS & set(frame.columns):
        frame[c] = pd.Series(dtype="datetime64[ns]")
    frame["YEAR"] = pd.Series(dtype="Int64")
    frame["_source"] = pd.Series(dtype=object)
    frame["_row"] = pd.Series(dtype="Int64")
    return frame


def _by_year(found, issues: list[Issue], notes: list[str]):
    """Parse dates, decide each group's collection year, and put the groups together."""
    groups = sorted({g for g, _ in found})
    parsed: dict[tuple[str, str], pd.DataFrame] = {}
    for (group, table), frames in found.items():
        if len(frames) > 1:
            sources = sorted({f["_source"].iloc[0] for f in frames if len(f)})
            issues.append(Issue("S01", table, None, None, ", ".join(sources),
                                f"{len(frames)} files carry the {DFE_NAMES[table]} table"
                                f"{' for ' + group if group else ''}; their rows are read "
                                "together. Keep only the extract's own file."))
        frame = pd.concat(frames, ignore_index=True)
        parsed[(group, table)] = _parse_dates(frame, table, issues)
    years: dict[str, int] = {}
    for group in groups:
        year, how = _year_of(group, parsed)
        years[group] = year
        where = f"folder {group}" if group else "the extract"
        notes.append(f"{where}: collection year ending March {year} ({how})." if year else
                     f"{where}: collection year {how}.")
    tables = {}
    for table in TABLE_COLUMNS:
        frames = [f.assign(YEAR=years[g]) for (g, t), f in sorted(parsed.items()) if t == table]
        frame = pd.concat(frames, ignore_index=True) if frames else _empty(table)
        frame["YEAR"] = frame["YEAR"].astype("Int64")
        frame["_row"] = frame["_row"].astype("Int64")
        tables[table] = frame[list(TABLE_COLUMNS[table]) + list(FRAME_EXTRA)]
    return tables, sorted({y for y in years.values() if y})


def _parse_dates(frame: pd.DataFrame, table: str, issues: list[Issue]) -> pd.DataFrame:
    frame = frame.copy()
    for column in DATE_COLUMNS & set(frame.columns):
        raw = frame[column]
        dates = pd.to_datetime(raw, format="%d/%m/%Y", errors="coerce")
        iso = pd.to_datetime(raw.where(dates.isna()), format="%Y-%m-%d", errors="coerce")
        dates = dates.fillna(iso)
        for i in frame.index[raw.notna() & dates.isna()]:
            issues.append(Issue("V02", source_label(table, frame.at[i, "_source"]),
                                int(frame.at[i, "_row"]), column, raw[i],
                                f"CHILD {frame.at[i, 'CHILD']}: not a date; the 903 writes dates "
                                f"dd/mm/yyyy; {FIX}."))
        frame[column] = dates.astype("datetime64[ns]")
    return frame


def _year_of(group: str, parsed) -> tuple[int | None, str]:
    """The collection year a group of files is: from its episodes' latest start (the year whose
    31 March ends the collection), else from dates that fall in the year (episode ends,
    reviews, missing spells), else the folder's name, else the latest adoption date (a guess).
    Folder names are not trusted first: extracts name folders by the year the collection starts
    as often as by the year it ends."""
    episodes = parsed.get((group, "episodes"))
    if episodes is not None and episodes["DECOM"].notna().any():
        latest = episodes["DECOM"].max()
        return _ending(latest), f"from the latest episode start, {latest:%d/%m/%Y}"
    in_year = _latest(group, parsed, ("DEC", "REVIEW", "MIS_START", "MIS_END"))
    if in_year is not None:
        return _ending(in_year), ("from the latest review, missing spell or episode end, "
                                  f"{in_year:%d/%m/%Y}")
    if re.fullmatch(r"(19|20)\d\d", group):
        return int(group), "from the folder's name; it has no dates to say otherwise"
    latest = _latest(group, parsed, ("DATE_INT", "DATE_MATCH", "DATE_PLACED",
                                     "DATE_PLACED_CEASED", "DUC"))
    if latest is not None:
        return _ending(latest), (f"a guess from the latest adoption date, {latest:%d/%m/%Y}: "
                                 "give the episodes with it to be sure")
    return None, ("not known: no episodes or other dated records; give the episodes with it, "
                  "or put the year's files in a folder named after the year the collection ends")


def _latest(group: str, parsed, columns: tuple[str, ...]) -> pd.Timestamp | None:
    dates = [f[c].max() for (g, _), f in parsed.items() if g == group
             for c in columns if c in f.columns and f[c].notna().any()]
    return max(dates) if dates else None


def _ending(day: pd.Timestamp) -> int:
    return day.year + 1 if day.month >= 4 else day.year


# ---------------------------------------------------------------- XML


def _xml_text(data: bytes, strict: bool = True) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data[: len(data) // 2 * 2].decode("utf-16", errors="replace")
    return data.decode("utf-8-sig", errors="replace")


def _read_xml(data: bytes, name: str, label: str) -> dict[str, pd.DataFrame]:
    text = _xml_text(data)
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)  # decoded already: drop its encoding
    try:
        # defusedxml: no DTD, no entities, no external references (XML bombs, file reads).
        root = SafeET.fromstring(text, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise f01(label, f"{name} declares a DOCTYPE or entities, which the 903 XML never has "
                  "and which can expand into an XML bomb; export the XML again.") from exc
    except ET.ParseError as exc:
        raise f01(label, f"{name} is not well-formed XML ({exc}); export it again.") from exc
    rows: dict[str, list[dict]] = {t: [] for t in TABLE_COLUMNS}
    for number, child in enumerate(_all(root, "CHILD"), start=1):
        head = _first(child, "HEADER")
        if head is None:
            continue
        h = {_tag(e): _text(e.text) for e in head if len(e) == 0}
        h["CHILD"] = h.pop("CHILDID", None)
        base = {"CHILD": h["CHILD"], "DOB": h.get("DOB"), "_row": number, "_source": name}
        rows["header"].append({**base, **{c: h.get(c) for c in TABLE_COLUMNS["header"][1:]}})
        ad1 = {c: h.get(c) for c in TABLE_COLUMNS["ad1"][2:]}
        if any(ad1.values()):
            rows["ad1"].append({**base, **ad1})
        oc3 = {c: h.get(c) for c in ("IN_TOUCH", "ACTIV", "ACCOM")}
        if any(oc3.values()):
            rows["oc3"].append({**base, **oc3})
        if h.get("DUC"):
            rows["uasc"].append({**base, "SEX": h.get("SEX"), "DUC": h.get("DUC")})
        for element, table in (("AMISSING", "missing"), ("AREVIEW", "reviews"),
                               ("PERMANENCE", "prev_perm"), ("OC2", "oc2"),
                               ("AD_PLACED", "placed_adoption")):
            for sub in _all(head, element):
                values = {_tag(e): _text(e.text) for e in sub}
                rows[table].append({**base, **{c: values.get(c)
                                               for c in TABLE_COLUMNS[table][2:]}})
        for episode in _all(child, "EPISODE"):
            values = {_tag(e): _text(e.text) for e in episode}
            values["PLACE"] = values.pop("PL", None)
            rows["episodes"].append({"CHILD": h["CHILD"], "_row": number, "_source": name,
                                     **{c: values.get(c) for c in TABLE_COLUMNS["episodes"][1:]}})
    return {t: pd.DataFrame.from_records(r, columns=list(TABLE_COLUMNS[t]) + ["_row", "_source"])
            for t, r in rows.items() if r}


def _tag(element: ET.Element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def _all(element: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in element.iter() if _tag(e) == name]


def _first(element: ET.Element, name: str) -> ET.Element | None:
    return next((e for e in element if _tag(e) == name), None)


# ---------------------------------------------------------------- years together


CLOSING = ("DEC", "REC", "REASON_PLACE_CHANGE")


def _stitch(tables: dict[str, pd.DataFrame], issues: list[Issue], notes: list[str]):
    """One row per episode (CHILD, DECOM) and per child in the header across years."""
    eps = tables["episodes"]
    if eps["YEAR"].nunique() > 1:
        eps = eps.sort_values(["CHILD", "DECOM", "YEAR"], kind="stable")
        dup = eps.duplicated(["CHILD", "DECOM"], keep="last")
        later = eps.drop_duplicates(["CHILD", "DECOM"], keep="last").set_index(["CHILD", "DECOM"])
        changed = 0
        for _, old in eps[dup].iterrows():
            new = later.loc[(old["CHILD"], old["DECOM"])]
            fields = [c for c in TABLE_COLUMNS["episodes"][2:]
                      if not _same(old[c], new[c]) and not (c in CLOSING and pd.isna(old["DEC"]))]
            if fields:
                changed += 1
                issues.append(Issue(
                    "S02", source_label("episodes", new["_source"]), int(new["_row"]), ", ".join(fields),
                    None, f"CHILD {old['CHILD']}: the episode starting {old['DECOM']:%d/%m/%Y} "
                    f"reads differently in {old['YEAR']} ({old['_source']} row {old['_row']}) and "
                    f"{new['YEAR']}: " + "; ".join(f"{c} {_show(old[c])} then {_show(new[c])}"
                                                   for c in fields)
                    + f". The {new['YEAR']} one is kept; check which is right in the case system."))
        if dup.any():
            notes.append(f"Episodes across years: {int(dup.sum())} episode(s) read in more than "
                         f"one year kept once (the later year's); {changed} of them differ beyond "
                         "their closing (S02).")
        tables["episodes"] = _in_file_order(eps[~dup])
    head = tables["header"]
    if head["YEAR"].nunique() > 1:
        head = head.sort_values(["CHILD", "YEAR"], kind="stable")
        latest = head.drop_duplicates("CHILD", keep="last").set_index("CHILD")
        dup = head.duplicated("CHILD", keep="last")
        for _, old in head[dup].iterrows():
            new = latest.loc[old["CHILD"]]
            for column in ("SEX", "DOB"):
                if not _same(old[column], new[column]):
                    issues.append(Issue(
                        "S03", source_label("header", new["_source"]), int(new["_row"]), column,
                        _show(new[column]), f"CHILD {old['CHILD']}: {column} was "
                        f"{_show(old[column])} in {old['YEAR']} and {_show(new[column])} in "
                        f"{new['YEAR']}; the {new['YEAR']} value is used. Check it in the case "
                        "system."))
        if dup.any():
            notes.append(f"Header across years: {int(latest.shape[0])} children, their latest "
                         f"year's row kept ({int(dup.sum())} earlier row(s) set aside).")
        tables["header"] = _in_file_order(head[~dup])
    return tables


def _in_file_order(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(["YEAR", "_source", "_row"]).reset_index(drop=True)


def _same(a, b) -> bool:
    return (pd.isna(a) and pd.isna(b)) or (not pd.isna(a) and not pd.isna(b) and a == b)


def _show(value) -> str:
    if pd.isna(value):
        return "blank"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%d/%m/%Y")
    return repr(value)


# ---------------------------------------------------------------- the DfE's rules


def _issue(rule: str, frame: pd.DataFrame, i, table: str, column: str, text: str,
           fix: str = FIX) -> Issue:
    row = frame.loc[i]
    value = row[column] if column in row.index else None
    return Issue(f"903-{rule}", source_label(table, row["_source"]), int(row["_row"]), column,
                 None if value is None or pd.isna(value) else _show(value).strip("'"),
                 f"DfE rule {rule}: {text} (CHILD {row['CHILD']}, {DFE_NAMES[table]} table); "
                 f"{fix}.")


def _code_list(frame, table, column, codes, rule, text, blank_ok=True) -> list[Issue]:
    values = frame[column]
    bad = ~values.isin(codes) & (values.notna() if blank_ok else True)
    return [_issue(rule, frame, i, table, column, text) for i in frame.index[bad]]


def check_rules(tables: dict[str, pd.DataFrame]) -> list[Issue]:
    """The DfE 903 rules this reader checks, each with its number (see RULES)."""
    head, eps = tables["header"], tables["episodes"]
    ad1, placed = tables["ad1"], tables["placed_adoption"]
    out: list[Issue] = []
    out += _code_list(head, "header", "SEX", {"1", "2"}, "101",
                      "SEX must be 1 (male) or 2 (female)", blank_ok=False)
    out += _code_list(head, "header", "ETHNIC", ETHNIC, "103",
                      "ETHNIC is not a valid ethnicity code or is blank", blank_ok=False)
    out += _code_list(eps, "episodes", "RNE", RNE, "143", "RNE (reason for new episode) is not "
                      "a valid code (S, P, L, T, U, B)")
    out += _code_list(eps, "episodes", "LS", LS, "144", "LS (legal status) is not a valid code")
    out += _code_list(eps, "episodes", "CIN", CIN, "145", "CIN (category of need) is not a "
                      "valid code (N1-N8)")
    out += _code_list(eps, "episodes", "PLACE", PLACE, "146", "PLACE (placement type) is not a "
                      "valid code")
    out += _code_list(eps, "episodes", "REC", REC, "149", "REC (reason episode ceased) is not a "
                      "valid code")
    out += _code_list(placed, "placed_adoption", "REASON_PLACED_CEASED", REASON_PLACED_CEASED,
                      "120", "the reason the decision to place for adoption was reversed is not "
                      "a valid code (RD1-RD4)")
    one_blank = placed["DATE_PLACED_CEASED"].isna() != placed["REASON_PLACED_CEASED"].isna()
    for i in placed.index[one_blank]:
        column = ("REASON_PLACED_CEASED" if placed.at[i, "REASON_PLACED_CEASED"] is None
                  or pd.isna(placed.at[i, "REASON_PLACED_CEASED"]) else "DATE_PLACED_CEASED")
        out.append(_issue("119", placed, i, "placed_adoption", column, "a reversed decision to "
                          "place for adoption needs both its date and its reason"))
    no_int = ad1["DATE_MATCH"].notna() & (ad1["DATE_INT"].isna()
                                         | (ad1["DATE_INT"] > ad1["DATE_MATCH"]))
    for i in ad1.index[no_int]:
        out.append(_issue("333", ad1, i, "ad1", "DATE_INT", "the date the child should be placed "
                          "for adoption (DATE_INT) must be given and on or before DATE_MATCH"))
    same_day = ad1["DATE_MATCH"].notna() & (ad1["DATE_INT"] == ad1["DATE_MATCH"])
    for i in ad1.index[same_day]:
        row = ad1.loc[i]
        out.append(Issue("S04", source_label("ad1", row["_source"]), int(row["_row"]), "DATE_MATCH",
                         _show(row["DATE_MATCH"]), f"CHILD {row['CHILD']}: DATE_INT and "
                         "DATE_MATCH are the same day: the decision that the child should be "
                         "placed for adoption and the match with adopters rarely are (no DfE "
                         "rule rejects it); check both dates in the case system."))
    out += _with_episodes(eps, ad1, placed)
    return out


def _with_episodes(eps, ad1, placed) -> list[Issue]:
    """Rules joining tables: by CHILD within one collection year."""
    out: list[Issue] = []
    e = eps.reset_index().rename(columns={"index": "_e"})
    a = ad1.reset_index().rename(columns={"index": "_a"})
    p = placed.reset_index().rename(columns={"index": "_p"})
    adopted = e[e["REC"].isin(ADOPTED)].merge(a, on=["CHILD", "YEAR"])
    for _, m in adopted[adopted["DATE_MATCH"] > adopted["DECOM"]].iterrows():
        out.append(_issue("331", ad1, m["_a"], "ad1", "DATE_MATCH", "the match with adopters "
                          f"(DATE_MATCH) must be on or before the adoptive placement began "
                          f"(DECOM {m['DECOM']:%d/%m/%Y} of the episode ending {m['REC']})"))
    in_adoption = e[e["PLACE"].isin(PLACED_FOR_ADOPTION)].merge(a, on=["CHILD", "YEAR"])
    for _, m in in_adoption[in_adoption["DATE_INT"] > in_adoption["DECOM"]].iterrows():
        out.append(_issue("521", ad1, m["_a"], "ad1", "DATE_INT", "the decision that adoption is "
                          "in the child's best interests (DATE_INT) must be on or before the "
                          f"placement for adoption ({m['PLACE']} from {m['DECOM']:%d/%m/%Y})"))
    both = p[p["DATE_PLACED"].notna()].merge(a[a["DATE_INT"].notna()], on=["CHILD", "YEAR"],
                                             suffixes=("", "_ad1"))
    for _, m in both[both["DATE_PLACED"] != both["DATE_INT"]].iterrows():
        out.append(_issue("523", placed, m["_p"], "placed_adoption", "DATE_PLACED", "the date of "
                          "the decision that the child should be placed for adoption must be the "
                          f"same as AD1's DATE_INT ({m['DATE_INT']:%d/%m/%Y})"))
    ad1_given = a[a[["DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR",
                     "LS_ADOPTR"]].notna().any(axis=1)]
    reversed_ = p[p["DATE_PLACED_CEASED"].notna()].merge(ad1_given[["CHILD", "YEAR"]],
                                                         on=["CHILD", "YEAR"]).drop_duplicates("_p")
    for _, m in reversed_.iterrows():
        out.append(_issue("525", placed, m["_p"], "placed_adoption", "DATE_PLACED_CEASED", "a "
                          "child whose decision to be placed for adoption was reversed cannot "
                          "also have adoption details (AD1) in the year"))
    out += _adoption_recorded(e, a, p, ad1, placed, eps)
    first_placed = (e[e["PLACE"].isin(PLACED_FOR_ADOPTION) & e["DECOM"].notna()]
                    .sort_values("DECOM").drop_duplicates(["CHILD", "YEAR"]))
    last_decision = (p[p["DATE_PLACED"].notna()].sort_values("DATE_PLACED")
                     .drop_duplicates(["CHILD", "YEAR"], keep="last"))
    late = first_placed.merge(last_decision, on=["CHILD", "YEAR"])
    for _, m in late[late["DECOM"] < late["DATE_PLACED"]].iterrows():
        out.append(_issue("552", placed, m["_p"], "placed_adoption", "DATE_PLACED", "the decision "
                          "to place for adoption must be on or before the child was placed for "
                          f"adoption ({m['PLACE']} from {m['DECOM']:%d/%m/%Y})"))
    first_order = (e[(e["LS"] == "E1") & e["DECOM"].notna()].sort_values("DECOM")
                   .drop_duplicates(["CHILD", "YEAR"]))
    order = first_order.merge(p[p["DATE_PLACED"].notna()], on=["CHILD", "YEAR"])
    for _, m in order[order["DATE_PLACED"] > order["DECOM"]].iterrows():
        out.append(_issue("554", placed, m["_p"], "placed_adoption", "DATE_PLACED", "the decision "
                          "to place for adoption should be on or before the placement order "
                          f"(first LS E1 episode from {m['DECOM']:%d/%m/%Y}); an order in an "
                          "earlier year can make this a false alarm"))
    return out


AD1_FIELDS = ("DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR", "LS_ADOPTR")


def _adoption_recorded(e, a, p, ad1, placed, eps) -> list[Issue]:
    """DfE rules 558, 601 and 602: an adoption in the year and the AD1 and PlacedAdoption rows
    that must (or must not) go with it, by CHILD within one collection year."""
    out: list[Issue] = []
    ended = e[e["REC"].isin(ADOPTED) & e["DEC"].notna() & e["YEAR"].notna()]
    year = ended["YEAR"].astype(int)
    in_year = ended[(ended["DEC"] >= pd.to_datetime((year - 1).astype(str) + "-04-01"))
                    & (ended["DEC"] <= pd.to_datetime(year.astype(str) + "-03-31"))]
    # 558: an adopted child's latest decision to place for adoption was not reversed.
    latest = (p[p["DATE_PLACED"].notna()].sort_values("DATE_PLACED")
              .drop_duplicates(["CHILD"], keep="last"))
    for _, m in latest[latest["DATE_PLACED_CEASED"].notna()
                       & latest["CHILD"].isin(set(e.loc[e["REC"].isin(ADOPTED), "CHILD"]))].iterrows():
        out.append(_issue("558", placed, m["_p"], "placed_adoption", "DATE_PLACED_CEASED", "the "
                          "child was adopted (REC E11/E12), so the decision to place for adoption "
                          "was not reversed: leave DATE_PLACED_CEASED and its reason blank"))
    # 601: AD1 completed for every child adopted in the year.
    adopted_ad1 = in_year.merge(a, on=["CHILD", "YEAR"], suffixes=("", "_ad1"))
    gaps = adopted_ad1[adopted_ad1[list(AD1_FIELDS)].isna().any(axis=1)].drop_duplicates("_a")
    for _, m in gaps.iterrows():
        missing = ", ".join(f for f in AD1_FIELDS if pd.isna(m[f]))
        out.append(_issue("601", ad1, m["_a"], "ad1", missing.split(", ")[0], "the child was "
                          f"adopted in the year (DEC {m['DEC']:%d/%m/%Y}) but AD1 lacks {missing}"))
    # 602: AD1 details only for a child adopted in the year.
    given = a[a[list(AD1_FIELDS)].notna().any(axis=1)]
    stray = given.merge(in_year[["CHILD", "YEAR"]].drop_duplicates(), on=["CHILD", "YEAR"],
                        how="left", indicator=True)
    for _, m in stray[stray["_merge"] == "left_only"].iterrows():
        out.append(_issue("602", ad1, m["_a"], "ad1", "CHILD", "the episodes do not show this "
                          "child adopted in the year (no episode ending E11/E12 in it), yet AD1 "
                          "has adoption details"))
    return out


RULES: dict[str, tuple[str, str]] = {
    "903-101": ("error", "header SEX is 1 or 2"),
    "903-103": ("error", "header ETHNIC in the DfE's ethnicity codes"),
    "903-143": ("error", "episode RNE in S, P, L, T, U, B"),
    "903-144": ("error", "episode LS in the legal status codes"),
    "903-145": ("error", "episode CIN in N1-N8"),
    "903-146": ("error", "episode PLACE in the placement type codes"),
    "903-149": ("error", "episode REC in the reason-ceased codes"),
    "903-119": ("error", "reversal date and reason both given or both blank"),
    "903-120": ("error", "REASON_PLACED_CEASED in RD1-RD4"),
    "903-333": ("error", "AD1 DATE_INT given and on or before DATE_MATCH"),
    "903-331": ("error", "DATE_MATCH on or before the start of the episode ending in adoption"),
    "903-521": ("error", "DATE_INT on or before the start of an A3-A6 placement"),
    "903-523": ("error", "PlacedAdoption DATE_PLACED equals AD1 DATE_INT"),
    "903-525": ("error", "no AD1 details for a child whose adoption decision was reversed"),
    "903-552": ("error", "latest DATE_PLACED on or before the first A3-A6 placement"),
    "903-554": ("warning", "DATE_PLACED on or before the first E1 (placement order) episode"),
    "903-558": ("error", "an adopted child's decision to place for adoption was not reversed"),
    "903-601": ("error", "AD1 completed for a child adopted in the year"),
    "903-602": ("error", "AD1 details only for a child adopted in the year"),
}


# ---------------------------------------------------------------- summary


def describe(extract: Extract) -> list[str]:
    """One line per collection year: children looked after, adopted, placed for adoption, with a
    placement order, special guardianship orders. Counted from the stitched episodes by date, so
    an episode spanning years counts in each year it was open."""
    eps = extract.tables["episodes"]
    lines = []
    for year in extract.years:
        start, end = pd.Timestamp(year - 1, 4, 1), pd.Timestamp(year, 3, 31)
        open_ = eps[(eps["DECOM"] <= end) & (eps["DEC"].isna() | (eps["DEC"] >= start))]
        ended = eps[(eps["DEC"] >= start) & (eps["DEC"] <= end)]

        def children(frame: pd.DataFrame) -> str:
            return f"{frame['CHILD'].nunique():,}"

        lines.append(
            f"{year - 1}-{str(year)[2:]} (April {year - 1} to March {year}): "
            f"{children(open_)} children looked after, "
            f"{children(ended[ended['REC'].isin(ADOPTED)])} adopted (REC E11/E12), "
            f"{children(open_[open_['PLACE'].isin(PLACED_FOR_ADOPTION)])} placed for adoption "
            f"(PLACE A3-A6), {children(open_[open_['LS'].isin(PLACEMENT_ORDER)])} with a "
            f"placement order (LS E1/D1), {len(ended[ended['REC'].isin(SGO)]):,} special "
            "guardianship orders (REC E43-E48)."
        )
    return lines
