"""Loading published statistics (an Explore Education Statistics tidy CSV) as comparators, and
reading them back.

`read_published` reads the file (every cell as text) and maps it with metrics.published's
declared mapping; `store_published` replaces the same figures of an earlier load and writes an
audit event in the same transaction; `published_figures` reads a measure's figures for the
charts and the data API. Imports config-free db modules and metrics only.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy import delete, select, tuple_
from sqlalchemy.orm import Session, sessionmaker

from db import audit
from db.models import PublishedFigure
from metrics.published import FIGURE_COLUMNS, Mapped, NotTidyData, map_rows

MAX_BYTES = 50 * 1024 * 1024  # the release's largest tidy files are a few MB


@dataclass(frozen=True)
class PublishedLoad:
    """A read file: its name, hash, how many rows it had and what was mapped."""

    file_name: str
    sha256: str
    rows: int
    mapped: Mapped

    def summary(self) -> str:
        """Rows mapped per measure and year, then the rows not mapped with why."""
        figures = self.mapped.figures
        lines = [f"{self.file_name}: {self.rows} row(s) read as an Explore Education Statistics "
                 f"tidy CSV; {len(figures)} figure(s) mapped, {len(self.mapped.unmapped)} row(s) "
                 "not mapped."]
        for (measure, period), n in Counter(zip(figures["measure"], figures["period"])).items():
            lines.append(f"  mapped: {measure} {period}: {n}")
        for reason, rows in _by_reason(self.mapped).items():
            listed = ", ".join(map(str, rows[:5])) + (", ..." if len(rows) > 5 else "")
            lines.append(f"  not mapped: {len(rows)} row(s) ({listed}): {reason}")
        return "\n".join(lines)


def _by_reason(mapped: Mapped) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for item in mapped.unmapped:
        found.setdefault(item.reason, []).append(item.row)
    return found


def read_published(path: Path) -> PublishedLoad:
    """The file read and mapped; NotTidyData when it is not an EES tidy CSV."""
    if not path.is_file():
        raise NotTidyData(f"{path.name} is not a file")
    body = path.read_bytes()
    if len(body) > MAX_BYTES:
        raise NotTidyData(f"{path.name} is larger than {MAX_BYTES // 2**20} MB")
    if body[:4] == b"PK\x03\x04":
        raise NotTidyData(f"{path.name} is a zip or Excel file, not a CSV; EES offers each data "
                          "set as a CSV")
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NotTidyData(f"{path.name} is not UTF-8 text (EES files are)") from None
    try:
        frame = pd.read_csv(pd.io.common.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise NotTidyData(f"{path.name} cannot be read as CSV: {exc}") from None
    mapped = map_rows(frame)
    return PublishedLoad(path.name[:255], hashlib.sha256(body).hexdigest(), len(frame), mapped)


def store_published(sessions: sessionmaker[Session], load: PublishedLoad, user: str) -> int:
    """Store the mapped figures, replacing the same figures (measure, scope, quarter,
    breakdown, category) of any earlier load; how many were stored."""
    figures = load.mapped.figures
    keys = list(zip(figures["measure"], figures["scope"], figures["quarter"], figures["breakdown"],
                    figures["category"]))
    at = audit.now()
    with sessions() as session, session.begin():
        key = tuple_(PublishedFigure.measure, PublishedFigure.scope, PublishedFigure.quarter,
                     PublishedFigure.breakdown, PublishedFigure.category)
        for start in range(0, len(keys), 200):
            session.execute(delete(PublishedFigure).where(key.in_(keys[start:start + 200])))
        session.add_all(
            PublishedFigure(measure=f.measure, scope=f.scope, period=f.period, quarter=f.quarter,
                            breakdown=f.breakdown, category=f.category,
                            value=None if f.value is None or pd.isna(f.value) else f.value,
                            shown=f.shown, file_name=load.file_name, sha256=load.sha256,
                            loaded_at=at, loaded_by=user)
            for f in figures.itertuples(index=False))
        audit.record(session, "published_load", user, scope="england", file_hash=load.sha256,
                     detail=f"published statistics {load.file_name}: {len(figures)} figure(s) "
                     f"mapped, {len(load.mapped.unmapped)} row(s) not mapped")
    return len(figures)


def published_figures(session: Session, measure: str | None = None) -> pd.DataFrame:
    """The measure's stored figures (FIGURE_COLUMNS), value None for a symbol."""
    return figures_frame(_figure_rows(session, measure))


def figures_by_measure(session: Session) -> dict[str, pd.DataFrame]:
    """Every measure's stored figures, one read: measure -> `published_figures`' frame."""
    by_measure: dict[str, list] = {}
    for row in _figure_rows(session):
        by_measure.setdefault(str(row[0]), []).append(row)
    return {measure: figures_frame(rows) for measure, rows in by_measure.items()}


def _figure_rows(session: Session, measure: str | None = None) -> list[tuple]:
    query = select(PublishedFigure.measure, PublishedFigure.scope, PublishedFigure.period,
                   PublishedFigure.quarter, PublishedFigure.breakdown, PublishedFigure.category,
                   PublishedFigure.value, PublishedFigure.shown)
    if measure is not None:
        query = query.where(PublishedFigure.measure == measure)
    order = (PublishedFigure.scope, PublishedFigure.quarter, PublishedFigure.id)
    return [tuple(r) for r in session.execute(query.order_by(*order)).all()]


def figures_frame(rows: list[tuple]) -> pd.DataFrame:
    """Stored figures as `published_figures` gives them (FIGURE_COLUMNS), from their rows."""
    frame = pd.DataFrame(rows, columns=FIGURE_COLUMNS)
    frame["value"] = [None if v is None else float(v) for v in frame["value"]]
    return frame
