"""Every validation rule of the return format (F01-F03, V01-V06, C01-C08, W01-W04, A01).

Each case takes the valid return from `tests/builders.py`, breaks exactly one rule, and loads it
on SQLite and PostgreSQL into a store that holds the agency's valid return for the quarter. The
report must name the rule, the table, row, column and value, and say how to fix it. An error must
reject the file and leave the store exactly as it was (no new version, no rows, the old version
still current); a warning must let the load through and be stored with the return.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from db.engine import engine_for
from db.importer import Report, load_path
from db.importer.readers import sha256_of_path
from db.models import Adopter, Return, ReturnIssue
from tests.builders import ReturnFile, snapshot, valid_return
from tests.conftest import drop_database

D = date.fromisoformat
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # how encrypted workbooks (and .xls) start
Mutation = Callable[[ReturnFile], ReturnFile]
Maker = Callable[[Path], Path]  # writes the file to load under a folder, returns its path


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[sessionmaker[Session]]:
    """One database per backend for all the cases here (like conftest's `db_url`, but shared).

    A fresh PostgreSQL database per case costs about a second, so the cases share one. They
    stay independent: each loads what it needs first (the same file again is a no-op), an error
    case checks that it changed nothing, and a warning case only looks at the return it loaded.
    """
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("rules") / "rules.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
        yield sessionmaker(engine_for(url), expire_on_commit=False)
        engine_for(url).dispose()
        return
    template = request.getfixturevalue("pg_template")  # skips without TEST_POSTGRES_URL
    admin = create_engine(os.environ["TEST_POSTGRES_URL"], isolation_level="AUTOCOMMIT")
    name = f"asg_rules_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    url = make_url(admin.url).set(database=name).render_as_string(hide_password=False)
    yield sessionmaker(engine_for(url), expire_on_commit=False)
    engine_for(url).dispose()
    drop_database(name)
    admin.dispose()


def xlsx(mutate: Mutation) -> Maker:
    return lambda folder: mutate(valid_return()).write_xlsx(folder / "return.xlsx")


def zipped(mutate: Mutation) -> Maker:
    return lambda folder: mutate(valid_return()).write_zip(folder / "return.zip")


def csv_folder(
    mutate: Mutation, recode: dict[str, Callable[[bytes], bytes]] | None = None
) -> Maker:
    """A folder of CSVs; `recode` rewrites the bytes of named files (to break their encoding)."""

    def make(folder: Path) -> Path:
        path = mutate(valid_return()).write_folder(folder / "return")
        for name, change in (recode or {}).items():
            (path / name).write_bytes(change((path / name).read_bytes()))
        return path

    return make


def raw_bytes(name: str, data: Callable[[Path], bytes]) -> Maker:
    def make(folder: Path) -> Path:
        (folder / name).write_bytes(data(folder))
        return folder / name

    return make


def _truncated_xlsx(folder: Path) -> bytes:
    whole = valid_return().write_xlsx(folder / "whole.xlsx").read_bytes()
    return whole[: len(whole) // 2]


def _with_formula(folder: Path) -> Path:
    """An xlsx whose cell holds a formula with no value stored (as written by a script)."""
    path = valid_return().write_xlsx(folder / "return.xlsx")
    workbook = openpyxl.load_workbook(path)
    workbook["support"]["B2"] = "=1+1"  # asf_applications_sg
    workbook.save(path)
    return path


def case(rule: str, make: Maker, *expected: str, id: str, setup: tuple = ()) -> object:
    """One row of a rule table: the file, and substrings its report's line must contain."""
    return pytest.param(rule, make, expected, setup or (valid_return(),), id=id)


def s(table: str, row: int, column: str, value: object) -> Mutation:
    return lambda r: r.set(table, row, column, value)


def both(*mutations: Mutation) -> Mutation:
    def apply(r: ReturnFile) -> ReturnFile:
        for m in mutations:
            r = m(r)
        return r

    return apply


ERRORS = [
    # ---- F01: the file cannot be read; say which problem
    case("F01", raw_bytes("return.xlsx", lambda _: b"agency_code,quarter\n942,2024-25 Q3\n"),
         "(file)", "'return.xlsx'", "not an .xlsx workbook or a .zip of CSV files",
         "save the return as .xlsx", id="F01-not-a-workbook"),
    case("F01", raw_bytes("return.xlsx", lambda _: OLE_MAGIC + b"\0" * 600),
         "'return.xlsx'", "encrypted (password-protected)", "remove the password",
         id="F01-encrypted"),
    case("F01", raw_bytes("return.xlsx", _truncated_xlsx),
         "'return.xlsx'", "corrupt", "save or export it again", id="F01-corrupt"),
    case("F01", raw_bytes("children.csv", lambda _: b"child_id,la_code\nC001,942\n"),
         "'children.csv'", "a single CSV cannot carry a return", "in a folder or a .zip",
         id="F01-single-csv"),
    case("F01", csv_folder(lambda r: r, {"children.csv": lambda b: b.decode().encode("utf-16-le")}),
         "'return'", "children.csv looks like UTF-16 text without a byte-order mark",
         "save it as 'CSV UTF-8'", id="F01-utf16-without-bom"),
    case("F01", csv_folder(s("children", 3, "child_id", "Zoë"),
                           {"children.csv": lambda b: b.decode().encode("latin-1")}),
         "children.csv is not UTF-8 text", "on line 3", "save it as 'CSV UTF-8'",
         id="F01-not-utf8"),
    # ---- F02: a required table or column is missing; an unknown column
    case("F02", xlsx(lambda r: r.rename_table("support", "Suport")),
         "F02 support:", "the sheet 'support' is missing", "(is 'Suport' meant to be it?)",
         "add it with this header row: asf_applications_adoption, asf_applications_sg",
         id="F02-missing-sheet"),
    case("F02", zipped(lambda r: r.drop_table("adopters")),
         "the CSV file 'adopters' is missing", "add it with this header row: adopter_id, household",
         id="F02-missing-csv-in-zip"),
    case("F02", zipped(lambda r: r.drop_column("children", "sex")),
         "children row 1 column sex", "required column 'sex' is missing",
         "add it to the header row", id="F02-missing-column"),
    case("F02", xlsx(lambda r: r.rename_column("children", "sibling_group_id", "sibling group")),
         "children row 1 column sibling group", "value 'sibling group'", "unknown column",
         "did you mean 'sibling_group_id'?", id="F02-unknown-column"),
    case("F02", zipped(lambda r: r.rename_column("children", "sibling_group_id", "SEX")),
         "children row 1 column sex", "value 'SEX'", "this column appears twice; keep one",
         id="F02-column-twice"),
    case("F02", zipped(lambda r: r.rename_column("adopters", "ethnicity", " ")),
         "adopters row 1:", "header cell 3 is blank", "give the column one of the names adopter_id",
         "or delete it", id="F02-blank-header-cell"),
    # ---- F03: the return table has a header but no row (or more than one)
    case("F03", xlsx(lambda r: r.clear_rows("return")),
         "F03 return:", "has a header but no row",
         "add one row with the agency_code and the quarter",
         id="F03-no-return-row"),
    case("F03", zipped(lambda r: r.add_row("return", like=2, agency_code="840")),
         "return row 3", "must have exactly one row, and it has 2", id="F03-two-return-rows"),
    case("F03", zipped(lambda r: r.add_row("support", like=2)),
         "support row 3", "may have at most one row, and it has 2",
         "put the agency's figures for the quarter in one row", id="F03-two-support-rows"),
    # ---- V01: a required value is blank
    case("V01", xlsx(s("children", 3, "sex", None)),
         "children row 3 column sex", "sex is required; fill it in", id="V01-children-sex"),
    case("V01", zipped(s("support", 2, "asf_applications_sg", None)),
         "support row 2 column asf_applications_sg", "is required; fill it in",
         id="V01-support-count"),
    case("V01", zipped(s("special_guardianship", 2, "guardian", "  ")),
         "special_guardianship row 2 column guardian", "is required", id="V01-spaces-are-blank"),
    # ---- V02: a value not in its code list, not a date, not a whole number in range
    case("V02", xlsx(s("children", 3, "sex", "X")),
         "children row 3 column sex", "value 'X'", "not one of the codes M, F, U",
         id="V02-code"),
    case("V02", zipped(s("children", 2, "ethnicity", "WBRIT")),
         "children row 2 column ethnicity", "value 'WBRIT'", "Did you mean 'WBRI'?",
         id="V02-code-suggests"),
    case("V02", zipped(s("children", 4, "adoption_order_date", "31/13/2024")),
         "children row 4 column adoption_order_date", "value '31/13/2024'",
         "not a date; write it as YYYY-MM-DD or DD/MM/YYYY", id="V02-date"),
    case("V02", xlsx(s("children", 2, "disability", "Maybe")),
         "children row 2 column disability", "value 'Maybe'", "write Y or N", id="V02-flag"),
    case("V02", xlsx(s("adopters", 2, "approved_places", 5)),
         "adopters row 2 column approved_places", "value '5'",
         "must be a whole number from 1 to 4", id="V02-number-range"),
    case("V02", zipped(s("support", 2, "asf_applications_adoption", 2.5)),
         "support row 2 column asf_applications_adoption", "value '2.5'", "whole number",
         id="V02-not-whole"),
    case("V02", zipped(s("return", 2, "quarter", "2024/25 Q3")),
         "return row 2 column quarter", "value '2024/25 Q3'", "write it like 2024-25 Q3",
         id="V02-quarter"),
    case("V02", zipped(s("adopters", 3, "adopter_id", "H" * 61)),
         "adopters row 3 column adopter_id", "value 'HHHH", "longer than 60 characters",
         id="V02-id-too-long"),
    case("V02", _with_formula,
         "support row 2 column asf_applications_sg", "value '=1+1'",
         "no value stored with it", "open the file in Excel so it calculates", id="V02-formula"),
    # ---- V03: duplicate ids
    case("V03", xlsx(lambda r: r.add_row("children", like=3, sex="F")),
         "children row 5 column child_id", "value 'C002'", "already used on row 3",
         "each child has one row with a unique id", id="V03-child"),
    case("V03", zipped(s("adopters", 3, "adopter_id", "H01")),
         "adopters row 3 column adopter_id", "value 'H01'", "already used on row 2",
         "each household has one row", id="V03-household"),
    # ---- V04: unknown agency or LA, or an LA the agency may not return
    case("V04", xlsx(s("return", 2, "agency_code", "9420")),
         "return row 2 column agency_code", "value '9420'", "no agency has this code",
         "use an LA's 3-digit DfE code or an RAA/VAA code", "Did you mean '942'?",
         id="V04-unknown-agency"),
    case("V04", zipped(s("children", 3, "la_code", "999")),
         "children row 3 column la_code", "value '999'", "no LA has this code",
         id="V04-unknown-la"),
    case("V04", zipped(s("special_guardianship", 2, "la_code", "840")),
         "special_guardianship row 2 column la_code", "value '840'",
         "LA 840 is not 942 or one of its member LAs", "check the code", id="V04-other-la"),
    case("V04", zipped(s("children", 2, "la_code", "ABM")),
         "children row 2 column la_code", "value 'ABM'", "is an agency, not a local authority",
         "give the child's LA code", id="V04-agency-as-la"),
    case("V04", zipped(lambda r: valid_return("CORAM", la="203")),
         "children row 2 column la_code", "value '203'", "LA 203 is not CORAM or one of its",
         "CORAM cannot return its children", id="V04-voluntary-agency-returns-children"),
    # ---- V05: dates after the quarter or before 1990
    case("V05", xlsx(s("adopters", 3, "enquiry_date", D("2025-01-02"))),
         "adopters row 3 column enquiry_date", "value '2025-01-02'",
         "after the quarter's last day (2024-12-31)", "only records what had happened by then",
         id="V05-after-quarter"),
    case("V05", zipped(s("adopters", 2, "enquiry_date", "1989-06-01")),
         "adopters row 2 column enquiry_date", "value '1989-06-01'",
         "before 1990-01-01 are not accepted; check the year", id="V05-before-1990"),
    # ---- V06: an LA's children returned by two agencies in one quarter
    case("V06", xlsx(lambda r: valid_return("840")),
         "children row 2 column la_code", "value '840'", "3 child(ren) of LA 840 (rows 2, 3, 4)",
         "already returned for 2024-25 Q3 by AC2C", "ask AC2C to reload its return without them",
         id="V06-la-returned-by-its-raa", setup=(valid_return("AC2C", la="840"),)),
    # ---- C01: birth <= entered care <= decision
    case("C01", xlsx(s("children", 3, "entered_care_date", D("2019-01-01"))),
         "children row 3 column entered_care_date", "value '2019-01-01'",
         "is before date_of_birth (2020-02-20)", "cannot enter care before being born",
         id="C01-care-before-birth"),
    case("C01", zipped(s("children", 3, "adm_decision_date", D("2023-02-01"))),
         "children row 3 column adm_decision_date", "value '2023-02-01'",
         "is before entered_care_date (2023-03-01)", id="C01-decision-before-care"),
    # ---- C02: decision <= placement order
    case("C02", zipped(s("children", 3, "placement_order_date", D("2023-09-01"))),
         "children row 3 column placement_order_date", "value '2023-09-01'",
         "is before adm_decision_date (2023-09-12)",
         "a placement order follows the agency decision",
         id="C02"),
    # ---- C03: decision <= match <= placement <= order; a rematch after a disruption
    case("C03", xlsx(s("children", 2, "placed_date", D("2024-07-01"))),
         "children row 2 column placed_date", "value '2024-07-01'",
         "is before matched_date (2024-08-01)", "decision, match, placement, adoption order",
         id="C03-placed-before-matched"),
    case("C03", zipped(s("children", 4, "adoption_order_date", D("2024-02-20"))),
         "children row 4 column adoption_order_date", "is before placed_date (2024-03-01)",
         id="C03-order-before-placement"),
    case("C03", zipped(both(s("children", 2, "disruption_date", D("2024-09-20")),
                          s("children", 2, "matched_date", D("2024-09-10")))),
         "children row 2 column matched_date", "value '2024-09-10'",
         "a new match after a disruption must be later than the disruption_date (2024-09-20)",
         id="C03-rematch-before-disruption"),
    # ---- C04: reversal and order; reversal without reason; reversal before decision
    case("C04", xlsx(both(s("children", 4, "decision_reversed_date", D("2024-11-20")),
                          s("children", 4, "decision_reversed_reason", "RD1"))),
         "children row 4 column decision_reversed_date", "value '2024-11-20'",
         "both a reversed decision and an adoption order (2024-11-15)",
         "clear the one that did not happen", id="C04-reversed-and-adopted"),
    case("C04", zipped(s("children", 3, "decision_reversed_date", D("2024-10-10"))),
         "children row 3 column decision_reversed_reason",
         "decision_reversed_date is 2024-10-10 but decision_reversed_reason is blank",
         "give the reason (RD1, RD2, RD3, RD4) or clear the date", id="C04-no-reason"),
    case("C04", zipped(both(s("children", 3, "decision_reversed_date", D("2023-10-01")),
                          s("children", 3, "decision_reversed_reason", "RD4"),
                          s("children", 3, "adm_decision_date", D("2023-10-02")),
                          s("children", 3, "ffa_cp_placed_date", None),
                          s("children", 3, "placement_order_date", None))),
         "children row 3 column decision_reversed_date", "value '2023-10-01'",
         "is before adm_decision_date (2023-10-02)", "only be reversed after it was made",
         id="C04-reversed-before-decision"),
    # ---- C05: placed with carer without foster carer adoption, or after placement
    case("C05", zipped(s("children", 2, "placed_with_carer_date", D("2024-01-01"))),
         "children row 2 column placed_with_carer_date", "value '2024-01-01'",
         "only for children adopted by their own foster carers",
         "set foster_carer_adoption to Y or clear the date", id="C05-not-foster-carer"),
    case("C05", zipped(both(s("children", 2, "foster_carer_adoption", "Y"),
                          s("children", 2, "placed_with_carer_date", D("2024-09-10")))),
         "children row 2 column placed_date", "value '2024-09-02'",
         "is before placed_with_carer_date (2024-09-10)", id="C05-carer-after-placement"),
    # ---- C06: the adopters' stages in order
    case("C06", xlsx(s("adopters", 2, "stage1_end_date", D("2023-11-20"))),
         "adopters row 2 column stage1_end_date", "value '2023-11-20'",
         "is before stage1_start_date (2023-12-01)", "the stages run enquiry, stage 1, stage 2",
         id="C06-stage1"),
    case("C06", zipped(s("adopters", 2, "approval_date", D("2024-08-15"))),
         "adopters row 2 column matched_date", "value '2024-08-01'",
         "is before approval_date (2024-08-15)", id="C06-matched-before-approval"),
    # ---- C07: leaving without reason, or before the enquiry
    case("C07", zipped(s("adopters", 3, "left_date", D("2024-11-01"))),
         "adopters row 3 column left_reason", "left_date is 2024-11-01 but left_reason is blank",
         "give the reason (WITHDREW, NOT_APPROVED, ADOPTED, OTHER) or clear the date",
         id="C07-no-reason"),
    case("C07", zipped(both(s("adopters", 3, "left_date", D("2024-10-01")),
                          s("adopters", 3, "left_reason", "WITHDREW"))),
         "adopters row 3 column left_date", "value '2024-10-01'",
         "is before enquiry_date (2024-10-05)", "cannot leave before its enquiry",
         id="C07-left-before-enquiry"),
    # ---- C08: special guardianship order dates and reasons
    case("C08", xlsx(s("special_guardianship", 2, "date_of_birth", D("2024-11-20"))),
         "special_guardianship row 2 column sgo_date", "value '2024-11-01'",
         "is before date_of_birth (2024-11-20)", "an order cannot precede the child's birth",
         id="C08-order-before-birth"),
    case("C08", zipped(both(s("special_guardianship", 2, "ended_date", D("2024-10-15")),
                          s("special_guardianship", 2, "ended_reason", "OTHER"))),
         "special_guardianship row 2 column ended_date", "value '2024-10-15'",
         "is before sgo_date (2024-11-01)", "can only end after it was made",
         id="C08-ended-before-order"),
    case("C08", zipped(s("special_guardianship", 2, "ended_date", D("2024-12-01"))),
         "special_guardianship row 2 column ended_reason",
         "ended_date is 2024-12-01 but ended_reason is blank",
         "give the reason (BREAKDOWN, AGE_18, OTHER)", id="C08-ended-without-reason"),
]  # fmt: skip


def _matching(report: Report, rule: str, expected: tuple[str, ...]) -> list[str]:
    lines = [i.line() for i in report.issues if i.rule == rule]
    return [line for line in lines if all(text in line for text in expected)]


def _explain(report: Report) -> str:
    return "report was:\n" + report.text()


def _load_setup(sessions: sessionmaker[Session], setup: tuple, folder: Path) -> None:
    """Load the returns a case needs first (those already current are left as they are)."""
    for n, ret in enumerate(setup):
        path = ret.write_folder(folder / f"setup{n}")
        with sessions() as session:
            current = select(Return.id).where(
                Return.sha256 == sha256_of_path(path), Return.is_current.is_(True)
            )
            if session.scalar(current) is not None:
                continue
        report = load_path(sessions, path, user="setup")
        assert report.status in ("loaded", "unchanged") and not report.issues, report.text()


@pytest.mark.parametrize("rule, make, expected, setup", ERRORS)
def test_an_error_rejects_the_file_and_stores_nothing(
    store: sessionmaker[Session], tmp_path: Path, rule, make, expected, setup
) -> None:
    _load_setup(store, setup, tmp_path)
    before = snapshot(store)
    assert before["returns"][-1][3], "the setup return is current"
    path = make(tmp_path)

    report = load_path(store, path, user="tester")

    assert report.status == "rejected" and not report.ok, _explain(report)
    assert {i.rule for i in report.errors} == {rule}, _explain(report)
    assert _matching(report, rule, expected), _explain(report)
    assert "REJECTED" in report.text() and "nothing was stored" in report.text()
    assert snapshot(store) == before


def _q4_after_q3(*mutations: Mutation) -> Mutation:
    """LA 941's Q3 return sent again for Q4, without the rows that would warn W02 in Q4."""

    def make(_: ReturnFile) -> ReturnFile:
        ret = valid_return("941", "2024-25 Q4").delete_row("children", 4)
        ret.clear_rows("special_guardianship")
        return both(*mutations)(ret)

    return make


WARNINGS = [
    case("W01", xlsx(both(s("children", 4, "matched_date", D("2024-11-15")),
                          s("children", 4, "placed_date", D("2024-11-15")))),
         "WARNING W01 children row 4 column matched_date", "value '2024-11-15'",
         "equals the adoption order date", "check the match date", id="W01"),
    case("W02", xlsx(s("children", 4, "adoption_order_date", D("2024-09-20"))),
         "children row 4 column adoption_order_date", "value '2024-09-20'",
         "pathway ended before the quarter started (2024-10-01)",
         "they do not belong in this return", id="W02-child-adopted-earlier"),
    case("W02", zipped(both(s("adopters", 2, "left_date", D("2024-09-20")),
                          s("adopters", 2, "left_reason", "ADOPTED"))),
         "adopters row 2 column left_date", "value '2024-09-20'",
         "household left before the quarter started (2024-10-01)", id="W02-household-left"),
    case("W02", zipped(s("special_guardianship", 2, "sgo_date", D("2024-09-01"))),
         "special_guardianship row 2 column sgo_date", "value '2024-09-01'",
         "neither the order nor its end falls in this quarter", id="W02-old-sgo"),
    case("W03", xlsx(s("children", 3, "date_of_birth", D("2006-06-01"))),
         "children row 3 column date_of_birth", "value '2006-06-01'",
         "18 or over at the quarter's end", "check the date of birth", id="W03-child"),
    case("W03", zipped(s("special_guardianship", 2, "date_of_birth", D("2006-12-31"))),
         "special_guardianship row 2 column date_of_birth", "18 or over", id="W03-sgo-birthday"),
    case("W04", xlsx(_q4_after_q3(s("children", 2, "adm_decision_date", D("2022-06-02")))),
         "children row 2 column adm_decision_date", "value '2022-06-02'",
         "was 2022-06-01 in the 2024-25 Q3 return", "confirm the correction",
         id="W04-decision-date-changed", setup=(valid_return("941"),)),
    case("W04", zipped(_q4_after_q3(s("children", 3, "placement_order_date", None))),
         "children row 3 column placement_order_date", "was 2023-11-20 in the 2024-25 Q3 return",
         id="W04-placement-order-cleared", setup=(valid_return("941"),)),
    case("W04", zipped(_q4_after_q3(lambda r: r.delete_row("children", 3))),
         "children column child_id", "value 'C002'",
         "child C002 of LA 941 was on the pathway at the end of 2024-25 Q3",
         "missing from this return", "add them with their exit", id="W04-waiting-child-missing",
         setup=(valid_return("941"),)),
]  # fmt: skip


@pytest.mark.parametrize("rule, make, expected, setup", WARNINGS)
def test_a_warning_is_stored_with_the_return(
    store: sessionmaker[Session], tmp_path: Path, rule, make, expected, setup
) -> None:
    _load_setup(store, setup, tmp_path)
    path = make(tmp_path)

    report = load_path(store, path, user="tester")

    assert report.ok and report.status == "loaded", _explain(report)
    assert {i.rule for i in report.issues} == {rule}, _explain(report)
    assert _matching(report, rule, expected), _explain(report)
    assert f"{len(report.warnings)} warning(s) stored with it" in report.text()
    assert _stored_warnings(store, report) == _as_stored(report)


def _stored_warnings(sessions: sessionmaker[Session], report: Report) -> list[tuple]:
    """The warnings stored with the current return (checking its n_warnings), sorted."""
    with sessions() as session:
        current = session.scalars(
            select(Return).where(Return.agency_code == report.agency_code,
                                 Return.quarter == report.quarter, Return.is_current.is_(True))
        ).one()  # fmt: skip
        stored = session.execute(
            select(ReturnIssue.rule, ReturnIssue.table_name, ReturnIssue.row, ReturnIssue.column,
                   ReturnIssue.value, ReturnIssue.message)
            .where(ReturnIssue.return_id == current.id).order_by(ReturnIssue.id)
        ).all()  # fmt: skip
    assert current.version == report.version
    assert current.n_warnings == len(report.warnings) > 0
    return sorted(map(tuple, stored), key=str)


def _as_stored(report: Report) -> list[tuple]:
    return sorted(
        ((w.rule, w.table, w.row, w.column, w.value, w.message) for w in report.warnings), key=str
    )


# ---------------------------------------------------------------- Annex A (A01 and its errors)


def _annex_a(samples: Path, folder: Path, **cells: object) -> Path:
    """A copy of the sample Annex A workbook with some cells changed (`List_11_R2=...`).

    Saved from the stored values, as Excel would after recalculating; so no formula is left.
    """
    workbook = openpyxl.load_workbook(samples / "annex-a" / "Annex_A_2024_Jan.xlsx", data_only=True)
    for key, value in cells.items():
        sheet, cell = key.rsplit("_", 1)
        workbook[sheet.replace("_", " ")][cell] = value
    path = folder / "annex_a.xlsx"
    workbook.save(path)
    return path


def test_a01_an_annex_a_leaving_reason_that_is_not_ours_is_stored_as_other_with_a_warning(
    store: sessionmaker[Session], tmp_path: Path, samples: Path
) -> None:
    # List 11 row 2: household 14159183 enquired 2009-08-06; it leaves in the quarter.
    path = _annex_a(samples, tmp_path, List_11_R2=D("2009-09-01"), List_11_S2="Moved abroad")

    report = load_path(store, path, user="tester", agency="330", quarter="2009-10 Q2")

    assert report.ok and report.status == "loaded", _explain(report)
    assert {i.rule for i in report.issues} == {"A01", "A02"}, _explain(report)  # A02: 2009 is outside the workbook's 12 months
    assert _matching(report, "A01", ("List 11 row 2", "Reason for leaving adoption process",
                                     "'Moved abroad'", "stored as OTHER"))
    # Stored under the return's own names, so it points at the stored row (see the report).
    a01 = [w for w in report.warnings if w.rule == "A01"]
    assert [w for w in _stored_warnings(store, report) if w[0] == "A01"] == [
        ("A01", "adopters", 2, "left_reason", "Moved abroad", a01[0].message)
    ]
    with store() as session:
        reasons = session.scalars(
            select(Adopter.left_reason).join(Return, Return.id == Adopter.return_id)
            .where(Return.agency_code == "330", Return.is_current.is_(True))
        )  # fmt: skip
        # The third household of 2009-10 Q2 before adoption orders closed households (4012081,
        # adopted 2009-02-06 with no leaving date) is no longer in the process.
        assert sorted(reasons, key=lambda v: v or "") == [None, "OTHER"]


@pytest.mark.parametrize(
    "cells, rule, expected",
    [
        ({"List_10_C2": "z) Blue"}, "V02",
         ("List 10 row 2 column Gender", "value 'z) Blue'", "not one of the codes M, F, U")),
        ({"List_10_H1": "Date the Child Entred Care"}, "F02",
         ("List 10 row 1 column Date the Child Entered Care",
          "the Annex A column 'Date the Child Entered Care' is missing",
          "is 'Date the Child Entred Care' meant to be it?")),
        ({"List_10_I2": "=H2+5"}, "V02",
         ("List 10 row 2 column Date of Decision that Child Should be Placed for Adoption",
          "no value stored with it")),
    ],
    ids=["value-that-cannot-be-mapped", "misspelt-header", "formula-without-value"],
)  # fmt: skip
def test_annex_a_errors_name_the_sheet_and_the_ofsted_header(
    store: sessionmaker[Session], tmp_path: Path, samples: Path, cells, rule, expected
) -> None:
    before = snapshot(store)
    path = _annex_a(samples, tmp_path, **cells)

    report = load_path(store, path, user="tester", agency="330", quarter="2009-10 Q2")

    assert report.status == "rejected", _explain(report)
    assert {i.rule for i in report.errors} == {rule}, _explain(report)
    assert _matching(report, rule, expected), _explain(report)
    assert snapshot(store) == before


# ---------------------------------------------------------------- what the rules do not reject


@pytest.mark.parametrize(
    "mutate",
    [
        both(s("children", 2, "disruption_date", D("2024-09-20")),
             s("children", 2, "matched_date", D("2024-10-01"))),
        s("children", 2, "decision_reversed_reason", "RD1"),
        both(s("children", 2, "sex", "f"), s("children", 2, "ethnicity", "wbri"),
             s("children", 2, "disability", "n")),
        s("children", 2, "date_of_birth", "04/05/2021"),
        s("children", 2, "date_of_birth", "2021-05-04 00:00:00"),
        lambda r: r.drop_column("children", "sibling_group_id"),
        lambda r: r.rename_column("children", "child_id", "  Child_ID "),
        lambda r: r.clear_rows("special_guardianship").clear_rows("support"),
        both(s("children", 4, "adoption_order_date", D("2024-10-01")),
             s("children", 3, "date_of_birth", D("2007-01-01"))),
    ],
    ids=["rematch-after-disruption", "reason-without-date", "lower-case-codes", "dd-mm-yyyy",
         "date-time-text", "optional-column-left-out", "header-case-and-spaces",
         "empty-optional-tables", "boundaries-first-day-and-just-under-18"],
)  # fmt: skip
def test_what_the_rules_accept(
    store: sessionmaker[Session], tmp_path: Path, mutate: Mutation
) -> None:
    path = mutate(valid_return()).write_zip(tmp_path / "return.zip")

    report = load_path(store, path, user="tester")

    assert report.status == "loaded" and not report.issues, _explain(report)


def test_extra_sheets_are_ignored(store: sessionmaker[Session], tmp_path: Path) -> None:
    path = valid_return().write_xlsx(tmp_path / "return.xlsx")
    workbook = openpyxl.load_workbook(path)
    workbook.create_sheet("README")["A1"] = "How to fill in this return"
    workbook.save(path)

    report = load_path(store, path, user="tester")

    assert report.status == "loaded" and not report.issues, _explain(report)


def test_a_sheet_longer_than_the_row_limit_is_f01(
    store: sessionmaker[Session], tmp_path: Path
) -> None:
    before = snapshot(store)
    path = valid_return().write_xlsx(tmp_path / "return.xlsx")

    report = load_path(store, path, user="tester", max_rows=2)

    assert report.status == "rejected" and [i.rule for i in report.errors] == ["F01"]
    assert "sheet 'children' has more than 2 rows" in report.text()
    assert "IMPORT_MAX_ROWS" in report.text()
    assert snapshot(store) == before



@pytest.mark.parametrize(
    "named, rule, expected",
    [
        ({"agency": "941"}, "V04",
         ("return row 2 column agency_code", "value '942'",
          "the file is for agency 942 but 941 was named", "name the agency the file is for")),
        ({"quarter": "2024-25 Q4"}, "V02",
         ("return row 2 column quarter", "value '2024-25 Q3'",
          "the file is for 2024-25 Q3 but 2024-25 Q4 was named")),
    ],
    ids=["another-agency", "another-quarter"],
)  # fmt: skip
def test_naming_an_agency_or_quarter_the_file_is_not_for_rejects_it(
    store: sessionmaker[Session], tmp_path: Path, named, rule, expected
) -> None:
    _load_setup(store, (valid_return(),), tmp_path)
    before = snapshot(store)
    path = valid_return().set("children", 3, "sex", "F").write_zip(tmp_path / "return.zip")

    report = load_path(store, path, user="tester", **named)

    assert report.status == "rejected", _explain(report)
    assert {i.rule for i in report.errors} == {rule}, _explain(report)
    assert _matching(report, rule, expected), _explain(report)
    assert snapshot(store) == before
