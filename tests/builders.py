"""Test helpers: a valid quarterly return that tests mutate and write as xlsx, zip or CSV folder.

`valid_return()` is a return by LA 942 (Cumberland, outside any RAA) for 2024-25 Q3 that passes
every rule with no warning. Rows are addressed by their row number in the file (the header is
row 1), so `ret.set("children", 3, "sex", "X")` is what a user would call "children row 3".
`snapshot(sessions)` is what the store holds, to show that a rejected load changed nothing.
"""

from __future__ import annotations

import copy
import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from db.models import ROW_MODELS, Return, ReturnIssue
from db.return_format import TABLES

AGENCY = "942"  # Cumberland: an LA in no RAA
QUARTER = "2024-25 Q3"  # 1 October to 31 December 2024
D = date.fromisoformat


def _rows(table: str, *rows: dict[str, Any]) -> list[dict[str, Any]]:
    known = TABLES[table].column_names
    return [{c: row.get(c) for c in known} for row in rows]


@dataclass
class ReturnFile:
    """All five tables: a header (list of column names) and rows (dicts) per table."""

    headers: dict[str, list[str]]
    rows: dict[str, list[dict[str, Any]]]
    sheet_names: dict[str, str] = field(default_factory=dict)  # table -> sheet/CSV name

    # ------------------------------------------------------------ mutations (return self)

    def set(self, table: str, row: int, column: str, value: Any) -> ReturnFile:
        """Set one cell; `row` is the row number in the file (first data row is 2)."""
        self.rows[table][row - 2][column] = value
        return self

    def get(self, table: str, row: int, column: str) -> Any:
        return self.rows[table][row - 2][column]

    def add_row(self, table: str, like: int | None = None, **values: Any) -> ReturnFile:
        """Append a row: a copy of row `like` (or blank) with `values` set."""
        base = dict(self.rows[table][like - 2]) if like else {c: None for c in self.headers[table]}
        base.update(values)
        self.rows[table].append(base)
        return self

    def delete_row(self, table: str, row: int) -> ReturnFile:
        del self.rows[table][row - 2]
        return self

    def clear_rows(self, table: str) -> ReturnFile:
        self.rows[table] = []
        return self

    def drop_column(self, table: str, column: str) -> ReturnFile:
        self.headers[table].remove(column)
        return self

    def rename_column(self, table: str, old: str, new: str) -> ReturnFile:
        header = self.headers[table]
        header[header.index(old)] = new
        for row in self.rows[table]:
            row[new] = row.pop(old)
        return self

    def drop_table(self, table: str) -> ReturnFile:
        del self.headers[table]
        return self

    def rename_table(self, table: str, name: str) -> ReturnFile:
        self.sheet_names[table] = name
        return self

    def with_children(self, n: int) -> ReturnFile:
        """n children, each a copy of row 2 with its own child_id (for large returns)."""
        first = self.rows["children"][0]
        self.rows["children"] = [dict(first, child_id=f"BIG{i:06d}") for i in range(n)]
        return self

    def copy(self) -> ReturnFile:
        return copy.deepcopy(self)

    # ------------------------------------------------------------ writers (return the path)

    def _tables(self) -> list[tuple[str, list[str], list[list[Any]]]]:
        return [
            (
                self.sheet_names.get(table, table),
                header,
                [[row.get(c) for c in header] for row in self.rows[table]],
            )
            for table, header in self.headers.items()
        ]

    def write_xlsx(self, path: Path) -> Path:
        import openpyxl

        workbook = openpyxl.Workbook()
        workbook.remove(workbook.active)
        for name, header, rows in self._tables():
            sheet = workbook.create_sheet(name)
            sheet.append(header)
            for row in rows:
                sheet.append(row)  # dates become real date cells
        workbook.save(path)
        return path

    def csv_files(self) -> dict[str, bytes]:
        files = {}
        for name, header, rows in self._tables():
            out = io.StringIO(newline="")
            writer = csv.writer(out)
            writer.writerow(header)
            for row in rows:
                writer.writerow(
                    ["" if v is None else v.isoformat() if isinstance(v, date) else v for v in row]
                )
            files[f"{name}.csv"] = out.getvalue().encode("utf-8")
        return files

    def write_zip(self, path: Path) -> Path:
        with zipfile.ZipFile(path, "w") as archive:
            for name, data in self.csv_files().items():
                archive.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), data)  # same bytes
        return path

    def write_folder(self, path: Path) -> Path:
        path.mkdir(parents=True, exist_ok=True)
        for name, data in self.csv_files().items():
            (path / name).write_bytes(data)
        return path

    def write(self, path: Path) -> Path:
        """Write in the format the path names: .xlsx, .zip, or otherwise a folder."""
        if path.suffix == ".xlsx":
            return self.write_xlsx(path)
        if path.suffix == ".zip":
            return self.write_zip(path)
        return self.write_folder(path)


def valid_return(agency: str = AGENCY, quarter: str = QUARTER, la: str | None = None) -> ReturnFile:
    """A return that passes every rule with no warning, for 2024-25 Q3 (later quarters warn W02).

    `la` is the children's LA: the agency itself by default; give a member LA for an RAA.
    """
    la = la or agency
    rows = {
        "return": _rows("return", dict(agency_code=agency, quarter=quarter)),
        "children": _rows(
            "children",
            # row 2: placed, waiting for the adoption order
            dict(child_id="C001", la_code=la, sex="F", date_of_birth=D("2021-05-04"),
                 ethnicity="WBRI", disability="N", entered_care_date=D("2022-01-10"),
                 adm_decision_date=D("2022-06-01"), placement_order_date=D("2022-09-15"),
                 matched_date=D("2024-08-01"), placed_date=D("2024-09-02"),
                 foster_carer_adoption="N"),
            # row 3: waiting to be matched, in an FfA placement
            dict(child_id="C002", la_code=la, sex="M", date_of_birth=D("2020-02-20"),
                 ethnicity="BAFR", disability="Y", sibling_group_id="S1",
                 entered_care_date=D("2023-03-01"), adm_decision_date=D("2023-09-12"),
                 ffa_cp_placed_date=D("2023-10-01"), placement_order_date=D("2023-11-20")),
            # row 4: adopted in the quarter
            dict(child_id="C003", la_code=la, sex="M", date_of_birth=D("2019-11-30"),
                 ethnicity="MWBC", disability="N", entered_care_date=D("2021-04-01"),
                 adm_decision_date=D("2021-10-01"), placement_order_date=D("2022-01-15"),
                 matched_date=D("2024-02-01"), placed_date=D("2024-03-01"),
                 adoption_order_date=D("2024-11-15")),
        ),  # fmt: skip
        "adopters": _rows(
            "adopters",
            # row 2: approved, matched and placed
            dict(adopter_id="H01", household="MF", ethnicity="WBRI", fostering_for_adoption="N",
                 enquiry_date=D("2023-11-01"), stage1_start_date=D("2023-12-01"),
                 stage1_end_date=D("2024-02-01"), stage2_start_date=D("2024-02-15"),
                 stage2_end_date=D("2024-06-30"), approval_date=D("2024-07-20"),
                 approved_places=2, matched_date=D("2024-08-01"), placed_date=D("2024-09-02")),
            # row 3: enquired in the quarter
            dict(adopter_id="H02", household="F1", enquiry_date=D("2024-10-05")),
        ),  # fmt: skip
        "special_guardianship": _rows(
            "special_guardianship",
            dict(child_id="G001", la_code=la, sex="M", date_of_birth=D("2019-07-07"),
                 ethnicity="WIRI", disability="N", sgo_date=D("2024-11-01"), looked_after="Y",
                 guardian="E45", support_plan="Y", allowance="Y"),
        ),  # fmt: skip
        "support": _rows(
            "support",
            dict(asf_applications_adoption=3, asf_applications_sg=2,
                 asf_amount_adoption=12000.5, asf_amount_sg=4000),
        ),  # fmt: skip
    }
    headers = {name: list(table.column_names) for name, table in TABLES.items()}
    return ReturnFile(headers, rows)


def two_bad_of_forty() -> ReturnFile:
    """The valid return with 40 children, two of them failing a row rule: row 7 was placed
    before it was matched (C03) and row 30's sex is X (V02). Loading the rows that pass stores
    38 children and holds back rows 7 and 30."""
    ret = valid_return().with_children(40)
    ret.set("children", 7, "placed_date", D("2024-07-01"))
    return ret.set("children", 30, "sex", "X")


# ---------------------------------------------------------------- what the store holds


def snapshot(sessions: sessionmaker[Session]) -> dict[str, Any]:
    """Every return (with version history), its stored warnings and each row table's size."""
    with sessions() as session:
        returns = session.execute(
            select(Return.agency_code, Return.quarter, Return.version, Return.is_current,
                   Return.sha256, Return.n_warnings).order_by(Return.id)
        ).all()  # fmt: skip
        counts = {
            table: session.scalar(select(func.count()).select_from(model))
            for table, model in ROW_MODELS.items()
        }
        counts["return_issue"] = session.scalar(select(func.count()).select_from(ReturnIssue))
    return {"returns": [tuple(r) for r in returns], "counts": counts}
