"""The "Load a return" page's handlers, on SQLite and PostgreSQL: check an upload, read the
report, confirm, and see the return listed; errors, oversized files, unchecked confirms and
public mode store nothing. Also who may load (`Caller.may_load`): an admin any agency, an
analyst only their granted agencies (an RAA grant covers its member LAs), a viewer none, each
told so on the page; and the page in board mode.
"""

from __future__ import annotations

import base64
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from server.auth import caller_of
from callbacks.load import MAY_NOT_LOAD, SWITCHED_OFF, check_file, load_file, page_setup
from callbacks.returns import show_returns
from server.services import Services
from config import Settings
from db.importer import load_path
from db.importer.store import DbHistory
from db.models import AuditEvent
from layouts import ids
from layouts.board import board_aware
from layouts.load import FROM_FILE, layout
from metrics.access import Caller
from metrics.scope import Geography
from tests.builders import D, snapshot, two_bad_of_forty, valid_return

ANNEX_A = Path(__file__).resolve().parents[1] / "data" / "samples" / "annex-a" / "Annex_A_2024_Jan.xlsx"
ADMIN = Caller("someone", "admin")
COAST = Caller("cora", "analyst", frozenset({"AC2C"}))  # Adopt Coast to Coast: 840 and 394
VIEWER = Caller.viewer("vic")


def upload(path: Path) -> str:
    """What dcc.Upload hands a callback: the file as a base64 data URL."""
    return "data:application/octet-stream;base64," + base64.b64encode(path.read_bytes()).decode()


@pytest.fixture
def services(db_url: str) -> Services:
    return Services.from_settings(Settings(database_url=db_url))


def listed(services: Services) -> list[tuple[str, str, int, str]]:
    """What the Returns loaded page lists: agency, quarter, version, file."""
    rows = show_returns(services.store, None).rows
    return [(r["agency_code"], r["quarter"], r["version"], r["file_name"]) for r in rows]


def test_a_valid_file_checks_then_loads_on_confirm(
    services: Services, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    contents = upload(valid_return().write_xlsx(tmp_path / "return.xlsx"))
    before = snapshot(sessions)

    check = check_file(services, ADMIN, contents, "return.xlsx", FROM_FILE, "")

    assert check.summary.startswith(
        "Ready to load: 3 children, 2 adopters, 1 special guardianship, 1 support for "
        "Cumberland (942), 2024-25 Q3; 0 warnings.")
    assert (check.can_load, check.issues) == (True, [])
    assert snapshot(sessions) == before  # a check stores nothing

    loaded = load_file(services, ADMIN, contents, "return.xlsx", FROM_FILE, "")

    assert loaded.loaded
    assert loaded.message.startswith("Loaded Cumberland (942), 2024-25 Q3, version 1:")
    assert loaded.returns_href == "/returns?quarter=2024-25%20Q3"
    assert listed(services) == [("942", "2024-25 Q3", 1, "return.xlsx")]


def test_a_changed_file_loads_as_version_2_and_the_same_file_again_stores_nothing(
    services: Services, tmp_path: Path
) -> None:
    first = upload(valid_return().write_xlsx(tmp_path / "return.xlsx"))
    changed = valid_return().set("children", 3, "disability", "N")
    second = upload(changed.write_zip(tmp_path / "return.zip"))
    assert load_file(services, ADMIN, first, "return.xlsx", FROM_FILE, "").loaded

    again = load_file(services, ADMIN, first, "return.xlsx", FROM_FILE, "")
    assert (again.loaded, again.message) == (
        False, "Already loaded: this exact file is Cumberland (942), 2024-25 Q3, version 1; "
        "nothing has been stored.")

    newer = load_file(services, ADMIN, second, "return.zip", FROM_FILE, "")
    assert newer.message.startswith("Loaded Cumberland (942), 2024-25 Q3, version 2:")
    assert listed(services) == [("942", "2024-25 Q3", 2, "return.zip")]


def test_a_file_with_an_error_reports_rule_row_and_column_and_stores_nothing(
    services: Services, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    broken = valid_return().set("children", 2, "placed_date", D("2024-07-01"))
    contents = upload(broken.write_xlsx(tmp_path / "broken.xlsx"))
    before = snapshot(sessions)

    check = check_file(services, ADMIN, contents, "broken.xlsx", FROM_FILE, "")

    assert check.summary == "Rejected: 1 error; nothing has been stored."
    assert check.can_load is False
    [issue] = check.issues
    assert {k: issue[k] for k in ("level", "rule", "table", "row", "column", "value")} == {
        "level": "error", "rule": "C03", "table": "children", "row": 2,
        "column": "placed_date", "value": "2024-07-01"}
    assert issue["message"].startswith(
        "placed_date (2024-07-01) is before matched_date (2024-08-01)")
    # Confirming it anyway (a crafted request) checks again and stores nothing.
    loaded = load_file(services, ADMIN, contents, "broken.xlsx", FROM_FILE, "")
    assert (loaded.loaded, loaded.message) == (False, "Rejected: 1 error; nothing has been stored.")
    assert [i["rule"] for i in loaded.issues] == ["C03"]
    assert snapshot(sessions) == before
    assert listed(services) == []


def test_a_file_with_only_row_errors_offers_to_load_the_rows_that_pass_as_a_partial_return(
    services: Services, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    contents = upload(two_bad_of_forty().write_xlsx(tmp_path / "forty.xlsx"))
    before = snapshot(sessions)

    check = check_file(services, ADMIN, contents, "forty.xlsx", FROM_FILE, "")

    assert check.summary == "Rejected: 2 errors; nothing has been stored."
    assert check.can_load is False
    assert check.partial_button == "Load the 41 rows that pass and hold back 2"
    assert check.partial_offer.startswith(
        "The 2 rows with errors can be held back: you can load the rest of the file (38 "
        "children, 2 adopters, 1 special guardianship, 1 support) for Cumberland (942), "
        "2024-25 Q3, as a partial return.")
    assert "--accept-valid-rows" not in check.partial_offer  # the page speaks of its own controls
    assert [(r["level"], r["rule"], r["row"]) for r in check.held_back] == [
        ("held back", "C03", 7), ("held back", "V02", 30)]
    assert snapshot(sessions) == before  # the offer stores nothing

    # The plain confirm still refuses it; the partial confirm stores the rows that pass.
    assert load_file(services, ADMIN, contents, "forty.xlsx", FROM_FILE, "").loaded is False
    assert snapshot(sessions) == before
    loaded = load_file(services, ADMIN, contents, "forty.xlsx", FROM_FILE, "",
                       accept_valid_rows=True)

    assert loaded.loaded
    assert loaded.message == (
        "Loaded Cumberland (942), 2024-25 Q3, version 1, as a partial return: 38 children, "
        "2 adopters, 1 special guardianship, 1 support; 2 rows held back (listed below) and "
        "0 warnings stored with it.")
    assert [(r["rule"], r["row"]) for r in loaded.issues] == [("C03", 7), ("V02", 30)]
    assert listed(services) == [("942", "2024-25 Q3", 1, "forty.xlsx")]
    with sessions() as session:
        [event] = session.scalars(select(AuditEvent).where(AuditEvent.kind == "load")).all()
    assert (event.user_name, event.detail) == (
        ADMIN.name, "forty.xlsx: loaded version 1, partial: 42 row(s) stored, 2 held back")


def test_no_partial_offer_for_an_error_that_is_not_about_one_row(
    services: Services, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    spoilt = two_bad_of_forty().set("support", 2, "asf_applications_sg", "lots")
    contents = upload(spoilt.write_xlsx(tmp_path / "spoilt.xlsx"))
    before = snapshot(sessions)

    check = check_file(services, ADMIN, contents, "spoilt.xlsx", FROM_FILE, "")
    assert (check.partial_offer, check.partial_button, check.held_back) == ("", "", [])
    assert any(n.startswith("Loading only the rows that pass is not offered: 1 error(s) are not "
                            "about a single row") for n in check.notes), check.notes
    # A crafted partial confirm checks again and stores nothing.
    loaded = load_file(services, ADMIN, contents, "spoilt.xlsx", FROM_FILE, "",
                       accept_valid_rows=True)
    assert (loaded.loaded, loaded.message) == (False, "Rejected: 3 errors; nothing has been stored.")
    assert snapshot(sessions) == before


def test_a_partial_confirm_for_an_agency_the_caller_may_not_load_is_refused(
    services: Services, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    contents = upload(two_bad_of_forty().write_xlsx(tmp_path / "forty.xlsx"))
    before = snapshot(sessions)

    loaded = load_file(services, COAST, contents, "forty.xlsx", FROM_FILE, "",
                       accept_valid_rows=True)

    assert loaded.loaded is False and loaded.message.startswith("Refused:")
    assert snapshot(sessions) == before


def test_an_annex_a_workbook_loads_as_the_chosen_la_and_quarter(services: Services) -> None:
    contents = upload(ANNEX_A)

    without = check_file(services, ADMIN, contents, ANNEX_A.name, FROM_FILE, "")
    assert without.can_load is False and "Annex A workbook" in without.summary
    # Told in the page's own terms: its fields, never the command line's flags.
    assert "choose the local authority under Agency and type the quarter under Quarter" \
        in without.summary, without.summary
    assert "--" not in without.summary, without.summary
    no_quarter = check_file(services, ADMIN, contents, ANNEX_A.name, "330", "")
    assert "does not say the quarter to load: type the quarter under Quarter" in no_quarter.summary
    bad_quarter = check_file(services, ADMIN, contents, ANNEX_A.name, "330", "Q3 2024")
    assert bad_quarter.summary == ("Rejected: 'Q3 2024' is not a quarter: type the quarter under "
                                   "Quarter like 2024-25 Q3. Nothing has been stored."), \
        bad_quarter.summary
    not_la = check_file(services, ADMIN, contents, ANNEX_A.name, "ABM", "2009-10 Q2")
    assert "choose the local authority under Agency" in not_la.summary and "--" not in \
        not_la.summary, not_la.summary

    check = check_file(services, ADMIN, contents, ANNEX_A.name, "330", "2009-10 Q2")
    assert check.summary.startswith("Ready to load: 2 children, 2 adopters, 0 special "
                                    "guardianship, 0 support for Birmingham (330), 2009-10 Q2;")
    assert check.notes[0].startswith("Annex A List 10: 2 child(ren) on the pathway in 2009-10 Q2")

    loaded = load_file(services, ADMIN, contents, ANNEX_A.name, "330", "2009-10 Q2")
    assert loaded.message.startswith("Loaded Birmingham (330), 2009-10 Q2, version 1:")
    assert listed(services) == [("330", "2009-10 Q2", 1, ANNEX_A.name)]


def test_an_upload_over_the_size_limit_is_refused(
    db_url: str, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    small = Services.from_settings(Settings(database_url=db_url, upload_max_bytes=1000))
    path = valid_return().write_xlsx(tmp_path / "return.xlsx")
    assert path.stat().st_size > 1000
    before = snapshot(sessions)

    check = check_file(small, ADMIN, upload(path), "return.xlsx", FROM_FILE, "")
    loaded = load_file(small, ADMIN, upload(path), "return.xlsx", FROM_FILE, "")

    assert check.summary.startswith("The file is larger than the limit of 1,000 bytes; "
                                    "nothing has been stored.")
    assert check.can_load is False
    assert loaded.loaded is False and "limit of 1,000 bytes" in loaded.message
    assert page_setup(small, ADMIN).max_size == 1000  # the browser refuses it before sending, too
    assert snapshot(sessions) == before


def test_confirm_without_a_file_stores_nothing(
    services: Services, sessions: sessionmaker[Session]
) -> None:
    before = snapshot(sessions)

    loaded = load_file(services, ADMIN, None, None, FROM_FILE, "")

    assert (loaded.loaded, loaded.message) == (False, "Choose a file first.")
    assert snapshot(sessions) == before


def test_public_mode_switches_loading_off(
    db_url: str, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    public = Services.from_settings(Settings(database_url=db_url, public_mode=True))
    contents = upload(valid_return().write_xlsx(tmp_path / "return.xlsx"))
    before = snapshot(sessions)

    everyone = caller_of(public)  # nobody signs in on a public dashboard

    setup = page_setup(public, everyone)
    check = check_file(public, everyone, contents, "return.xlsx", FROM_FILE, "")
    loaded = load_file(public, everyone, contents, "return.xlsx", FROM_FILE, "")

    assert (setup.notice, setup.disabled) == (SWITCHED_OFF, True)
    assert (check.summary, check.can_load) == (SWITCHED_OFF, False)
    assert (loaded.message, loaded.loaded) == (SWITCHED_OFF, False)
    assert snapshot(sessions) == before


def test_an_admins_agency_choices_are_every_agency_by_name(services: Services) -> None:
    options = page_setup(services, ADMIN).agency_options
    labels = [o["label"] for o in options[1:]]

    assert options[0] == {"label": "As the file says", "value": FROM_FILE}
    assert {"label": "Cumberland (942)", "value": "942"} in options
    assert labels == sorted(labels, key=lambda label: label.rsplit(" (", 1)[0])


# ---------------------------------------------------------------- who may load

GEOGRAPHY = Geography(pd.DataFrame({
    "code": ["RAA1", "101", "102", "200", "VAA1"],
    "name": ["Adopt Somewhere", "Town A", "Town B", "City C", "Voluntary V"],
    "kind": ["RAA", "LA", "LA", "LA", "VAA"],
    "region": ["North"] * 5,
    "raa_code": [None, "RAA1", "RAA1", None, None],
}))  # fmt: skip


def test_admins_load_for_any_agency_analysts_for_their_grants_viewers_never() -> None:
    admin = Caller("a", "admin")
    analyst = Caller("b", "analyst", frozenset({"RAA1"}))
    viewer = Caller.viewer()

    assert [admin.may_load(c, GEOGRAPHY) for c in ("RAA1", "200", "VAA1")] == [True] * 3
    # An RAA grant covers its member LAs (an LA's own Annex A), not other agencies.
    assert [analyst.may_load(c, GEOGRAPHY) for c in ("RAA1", "101", "102", "200", "VAA1")] == [
        True, True, True, False, False]
    assert viewer.may_load("RAA1", GEOGRAPHY) is False
    assert replace(admin, public=True).may_load("RAA1", GEOGRAPHY) is False


def test_a_viewer_is_told_they_may_not_load_and_nothing_is_stored(
    services: Services, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    contents = upload(valid_return().write_xlsx(tmp_path / "return.xlsx"))
    before = snapshot(sessions)

    setup = page_setup(services, VIEWER)
    check = check_file(services, VIEWER, contents, "return.xlsx", FROM_FILE, "")
    loaded = load_file(services, VIEWER, contents, "return.xlsx", FROM_FILE, "")

    assert (setup.notice, setup.disabled) == (MAY_NOT_LOAD, True)
    assert setup.agency_options == [{"label": "As the file says", "value": FROM_FILE}]
    assert (check.summary, check.can_load) == (
        "You may not load returns for Cumberland (942); nothing has been stored.", False)
    assert (loaded.message, loaded.loaded) == (
        "Refused: you may not load returns for agency 942; nothing has been stored.", False)
    assert snapshot(sessions) == before


def test_an_analysts_choices_are_their_raa_and_its_member_las(services: Services) -> None:
    setup = page_setup(services, COAST)

    assert (setup.notice, setup.disabled) == ("", False)
    assert setup.agency_options == [
        {"label": "As the file says", "value": FROM_FILE},
        {"label": "Adopt Coast to Coast (AC2C)", "value": "AC2C"},
        {"label": "County Durham (840)", "value": "840"},
        {"label": "Sunderland (394)", "value": "394"},
    ]


def test_an_analyst_loads_a_member_las_return_as_themselves_but_not_another_agencys(
    services: Services, tmp_path: Path
) -> None:
    durham = upload(valid_return(agency="840").write_xlsx(tmp_path / "durham.xlsx"))
    cumberland = upload(valid_return().write_xlsx(tmp_path / "cumberland.xlsx"))

    check = check_file(services, COAST, cumberland, "cumberland.xlsx", FROM_FILE, "")
    refused = load_file(services, COAST, cumberland, "cumberland.xlsx", FROM_FILE, "")
    loaded = load_file(services, COAST, durham, "durham.xlsx", FROM_FILE, "")

    assert (check.summary, check.can_load) == (
        "You may not load returns for Cumberland (942); nothing has been stored.", False)
    assert (refused.message, refused.loaded) == (
        "Refused: you may not load returns for agency 942; nothing has been stored.", False)
    assert loaded.loaded
    assert loaded.message.startswith("Loaded County Durham (840), 2024-25 Q3, version 1:")
    assert listed(services) == [("840", "2024-25 Q3", 1, "durham.xlsx")]
    assert show_returns(services.store, None).rows[0]["loaded_by"] == "cora"


# ---------------------------------------------------------------- the page


def component_ids(component: object) -> set[str]:
    own = getattr(component, "id", None)
    found = {own} if isinstance(own, str) else set()  # board parts have dict ids
    children = getattr(component, "children", None)
    if isinstance(children, (list, tuple)):
        for child in children:
            found |= component_ids(child)
    elif children is not None and not isinstance(children, (str, int, float)):
        found |= component_ids(children)
    return found


def test_board_mode_leaves_the_upload_controls_out() -> None:
    page = board_aware(layout)
    controls = {ids.LOAD_AGENCY, ids.LOAD_QUARTER, ids.LOAD_UPLOAD, ids.LOAD_CHECK,
                ids.LOAD_CONFIRM}

    assert controls <= component_ids(page())
    assert not controls & component_ids(page(present="1"))


# ---------------------------------------------------------------- refusal before any stored row


def stored_941_and_a_probe(sessions: sessionmaker[Session], tmp_path: Path) -> tuple[str, str]:
    """West Northamptonshire's (941) Q3 return stored by an admin, and a Q4 file for 941 such as
    a probing user would post: C002 left out and C001's decision date moved, so that the
    quarter-on-quarter rule (W04) would quote the stored ids and dates. Also one with an error,
    so that a rejection's report would carry W04 too."""
    load_path(sessions, valid_return("941").write_zip(tmp_path / "q3.zip"), user="admin")
    probe = (valid_return("941", "2024-25 Q4").delete_row("children", 4).delete_row("children", 3)
             .set("children", 2, "adm_decision_date", D("2022-06-02")))
    probe.clear_rows("special_guardianship")
    broken = probe.copy().set("adopters", 3, "enquiry_date", D("2030-01-01"))
    return (upload(probe.write_xlsx(tmp_path / "probe.xlsx")),
            upload(broken.write_xlsx(tmp_path / "broken.xlsx")))


STORED_VALUES = ("C002", "2022-06-01", "was ", "missing from this return")


@pytest.mark.parametrize("caller", [VIEWER, COAST], ids=["viewer", "analyst-of-another-raa"])
def test_a_check_or_load_for_an_agency_the_caller_may_not_load_quotes_nothing_stored(
    services: Services, sessions: sessionmaker[Session], tmp_path: Path, caller: Caller
) -> None:
    probe, broken = stored_941_and_a_probe(sessions, tmp_path)
    refusal = "You may not load returns for West Northamptonshire (941); nothing has been stored."

    for contents in (probe, broken):
        check = check_file(services, caller, contents, "probe.xlsx", FROM_FILE, "")
        loaded = load_file(services, caller, contents, "probe.xlsx", FROM_FILE, "")

        assert (check.summary, check.issues, check.notes, check.can_load) == (refusal, [], [], False)
        assert (loaded.message, loaded.issues, loaded.loaded) == (
            "Refused: you may not load returns for agency 941; nothing has been stored.", [], False)
        assert not [v for v in STORED_VALUES if v in repr(check) + repr(loaded)]
    # An admin checking the same file is shown the comparison (the rule still runs for them).
    admin = check_file(services, ADMIN, probe, "probe.xlsx", FROM_FILE, "")
    assert {i["rule"] for i in admin.issues} == {"W04"}
    assert any("2022-06-01" in i["message"] for i in admin.issues)


def test_a_refused_check_reads_no_stored_return_and_is_audited(
    services: Services, sessions: sessionmaker[Session], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    probe, _ = stored_941_and_a_probe(sessions, tmp_path)

    def no_reading(*_args: object) -> None:
        raise AssertionError("a stored return was read for a caller who may not load it")

    monkeypatch.setattr(DbHistory, "previous_children", no_reading)
    monkeypatch.setattr(DbHistory, "las_returned_elsewhere", no_reading)

    check = check_file(services, VIEWER, probe, "probe.xlsx", FROM_FILE, "")

    assert check.summary.startswith("You may not load returns for West Northamptonshire (941)")
    with sessions() as session:
        events = session.execute(select(AuditEvent.kind, AuditEvent.user_name, AuditEvent.scope,
                                        AuditEvent.detail).order_by(AuditEvent.id)).all()
    assert events[-1] == ("load_rejected", "vic", "941",
                          "probe.xlsx: refused at the check: the loader may not load for this agency")


PUBLISHED = Path(__file__).resolve().parents[1] / "data" / "published" / "national_adopted_sgo.csv"


def test_an_admin_loads_published_statistics_on_the_load_page(
    services: Services, sessions: sessionmaker[Session]
) -> None:
    from db.models import PublishedFigure

    contents = upload(PUBLISHED)

    check = check_file(services, ADMIN, contents, PUBLISHED.name, FROM_FILE, "")
    refused = check_file(services, COAST, contents, PUBLISHED.name, FROM_FILE, "")
    loaded = load_file(services, ADMIN, contents, PUBLISHED.name, FROM_FILE, "")

    assert check.can_load and check.summary.startswith(
        "Ready to load: 4 published figures (Explore Education Statistics) as comparators"), check
    assert any("not mapped" in n for n in check.notes), check.notes  # the consent split
    assert not refused.can_load and "an admin loads them" in refused.summary
    assert loaded.loaded and loaded.message.startswith("Loaded 4 published figures"), loaded
    with sessions() as session:
        assert len(session.scalars(select(PublishedFigure)).all()) == 4


def test_the_upload_box_takes_every_format_the_registry_reads() -> None:
    # A single SSDA903 table or published statistics (.csv), the SSDA903's XML: a box that took
    # only .xlsx and .zip refused them before any check could say a word.
    from layouts.load import ACCEPT

    assert set(ACCEPT.split(",")) == {".xlsx", ".zip", ".csv", ".xml"}
