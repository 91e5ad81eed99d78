"""Annex A spellings: every spelling London's LIIA schema and the SSD Annex A query use, read back.

The real files are read (tests/annex_a_samples.py), so a spelling the schema adds later is tested
too. Where our reading deliberately differs from the LIIA schema's grouping, the spelling is
listed here with the reason.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from db.importer import annex_a_values as v
from db.return_format import ETHNIC
from tests.annex_a_samples import schema_categories, ssd_aliases, ssd_case

# ---------------------------------------------------------------------------------------------
# Sex
# ---------------------------------------------------------------------------------------------

SEX_OF_CATEGORY = {"a) Male": "M", "b) Female": "F", "c) Not stated/recorded": "U",
                   "d) Neither": "U", "a) Male / d) Neither": "U"}  # transgender male: U


def _schema_pairs(header: str, anchor: str | None = None) -> list[tuple[str, str]]:
    return [(c.strip(), n) for c, names in schema_categories(header, anchor).items() for n in names]


@pytest.mark.parametrize(("category", "spelling"), _schema_pairs("Gender", "gender"))
def test_every_liia_gender_spelling_reads_as_its_category(category, spelling):
    assert v.sex(spelling) == (SEX_OF_CATEGORY[category], None)


@pytest.mark.parametrize(("condition", "written"), ssd_case("Ofsted List 10", "Gender"))
def test_every_ssd_gender_reads_back_as_the_sex_it_came_from(condition, written):
    source = re.search(r"'(\w)'", condition).group(1)  # pers_gender = 'M'
    assert v.sex(written)[0] == {"M": "M", "F": "F", "U": "U", "I": "U"}[source]
    assert v.sex(source)[0] == {"M": "M", "F": "F", "U": "U", "I": "U"}[source]


@pytest.mark.parametrize(("value", "code"), [
    (1, "M"), (2, "F"), (1.0, "M"), (2.0, "F"), ("1", "M"), ("2 - Female", "F"),
    ("u) UNKNOWN", "U"),
    ("  male ", "M"), ("FEMALE", "F"), (0, "U"), (9, "U"),
])
def test_sex_numbers_and_cases(value, code):
    assert v.sex(value) == (code, None)


@pytest.mark.parametrize("value", ["Yes", "3", "Mlae", True, datetime(2020, 1, 1), "#N/A"])
def test_sex_unreadable_is_a_problem_not_a_guess(value):
    code, problem = v.sex(value)
    assert code is None and problem


@pytest.mark.parametrize(("genders", "code"), [
    (["a) Male"], "M1"), (["b) Female"], "F1"), (["1 - Male", "2 - Female"], "MF"),
    (["F", "Female"], "FF"), (["M", 1], "MM"), (["Female", "Male"], "MF"),
])
def test_household_from_adopters_genders(genders, code):
    assert v.household(genders) == (code, None)


@pytest.mark.parametrize("genders", [["c) Not stated/recorded"], ["M", "F", "F"], ["M", "Robot"]])
def test_household_that_cannot_be_coded_is_a_problem(genders):
    code, problem = v.household(genders)
    assert code is None and problem


def test_household_gender_blank_is_blank():
    assert v.household_gender(None) == (None, None)
    assert v.household([]) == (None, None)


# ---------------------------------------------------------------------------------------------
# Ethnicity
# ---------------------------------------------------------------------------------------------

CODES_OF_GROUP = {
    "a) white": {"WBRI", "WIRI", "WIRT", "WOTH", "WROM"},
    "b) mixed": {"MWBC", "MWBA", "MWAS", "MOTH"},
    "c) asian or asian british": {"AIND", "APKN", "ABAN", "AOTH"},
    "c) unknown": {"NOBT"},
    "d) black or black british": {"BCRB", "BAFR", "BOTH"},
    "e) other ethnic group": {"CHNE", "OOTH"},
    "f) not stated": {"NOBT", "REFU"},
}
# Where we read a spelling differently from the LIIA grouping, and why.
ETHNICITY_DIFFERENT = {
    # A group with "not yet obtained" says the detail is missing: NOBT, not a guess within it.
    "White - Not yet obtained": "NOBT", "White Not yet obtained": "NOBT",
    "Asian or Asian British - Not yet obtained": "NOBT",
    "Black or Black British - Not yet obtained": "NOBT",
    "Black or Black British Not yet obtained": "NOBT",
    "Black or Black British - Form not completed": "NOBT",
    # DfE's extended codes put Kurdish (OKRD), Syrian and Afghan under "any other ethnic group".
    "KURDISH": "OOTH", "OKRD - Kurdish": "OOTH", "Syrian": "OOTH", "Afghan": "OOTH",
    # A return code written in the cell wins over the schema's grouping.
    "OOTH - Unspecified - Any Other Ethnic Group": "OOTH", "White and Asian [MWAS]": "MWAS",
    # Two groups joined by "and" is a mixed background.
    "Asian and Any Other Ethnic Group": "MOTH",
    # DfE's "Other European" (WEUR) is a White background.
    "EUROTH - Other European": "WOTH",
    # pandas' text for an empty cell: blank, so V01 reports it.
    "nan": None,
}
# A broad group alone, or a local code without words ("A.A1", "C.C4 : Asian or Asian British",
# whose numbers mean different things in different LAs), cannot say which code: V02 asks.
LOCAL_CODE = re.compile(
    r"^\(?[A-F](\.[A-Z]+[\d.]*)?\)?"
    r"(\s*:\s*(White|Mixed|Asian or Asian British|Black or Black British))?$"
    r"|^\(?[NU]\.[A-Z]+\d*\)?$|^[A-E]:\s*[A-E](\d\d+|[6-9])$|^A\.A41 White$|^F1$|^0$"
)
BROAD = {
    "White", "Mixed", "Asian", "Dual Heritage", "Chinese or other ethnic group",
    "Asian / Asian British", "Asian or Asian British", "Black / Black British",
    "Black or Black British", "Black / African / Caribbean / Black British",
    "Black / Black British / African / Caribbean", "Mixed / multiple",
    "Mixed / Multiple Ethic Groups", "Mixed / Multiple ethnic groups",
    "Mixed Multiple Ethnic Background",
}


@pytest.mark.parametrize(("group", "spelling"), _schema_pairs("Ethnicity", "ethnicity"))
def test_every_liia_ethnicity_spelling_reads_within_its_group(group, spelling):
    code, problem = v.ethnicity(spelling)
    if spelling in ETHNICITY_DIFFERENT:
        assert code == ETHNICITY_DIFFERENT[spelling]
    elif spelling in BROAD or LOCAL_CODE.match(spelling):
        assert code is None and problem
    else:
        assert code in CODES_OF_GROUP[group.lower()], (spelling, code)
        assert problem is None


@pytest.mark.parametrize(("condition", "written"), ssd_case("Ofsted List 10", "Ethnicity"))
def test_every_ssd_ethnicity_reads_back_as_the_code_it_came_from(condition, written):
    sources = re.findall(r"'(\w+)'", condition)  # IN ('WBRI', 'A1'); ELSE has none
    expected = written.split(") ", 1)[1]  # "a) WBRI" -> WBRI; "u) UNKNOWN" -> not known
    expected = "NOBT" if expected == "UNKNOWN" else expected
    assert v.ethnicity(written) == (expected, None)
    for source in sources:  # the LA's own code, census letter-number code included
        assert v.ethnicity(source) == (expected, None)


@pytest.mark.parametrize(("value", "code"), [
    ("WBRI", "WBRI"), ("k) APKN", "APKN"), ("WBRI - White British", "WBRI"),
    ("A1 - White British", "WBRI"), ("White - British", "WBRI"), ("(A.A1) White - British", "WBRI"),
    ("(A.A3)White - British", "WBRI"), ("Refused", "REFU"), ("Not obtained", "NOBT"),
    ("Information not yet obtained", "NOBT"), ("A2", "WIRI"), ("A3", "WOTH"), ("C4", "AOTH"),
    ("E5", "NOBT"), ("WEEU - White Eastern European", "WOTH"), ("BNGN Black Nigerian", "BAFR"),
    ("Mixed - White and Black Caribbean", "MWBC"), ("White & Black African", "MWBA"),
    ("C4 Asian/Asian British - Chinese", "CHNE"), ("wbri", "WBRI"),
])
def test_ethnicity_examples(value, code):
    assert v.ethnicity(value) == (code, None)


def test_every_census_code_maps_to_a_return_code():
    assert set(v.CENSUS_ETHNICITY.values()) <= set(ETHNIC)
    assert set(v.EXTENDED_ETHNICITY.values()) <= set(ETHNIC)
    for census, code in v.CENSUS_ETHNICITY.items():
        assert v.ethnicity(census) == (code, None)


# ---------------------------------------------------------------------------------------------
# Yes/no and disability
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("answer", "spelling"),
                         _schema_pairs("Does the Child have a Disability", "disability"))
def test_every_liia_disability_spelling(answer, spelling):
    code, problem = v.disability(spelling)
    if answer == "Unknown":  # never N: see the module's docstring
        assert code is None and problem
    else:
        assert (code, problem) == ({"Yes": "Y", "No": "N"}[answer], None)


@pytest.mark.parametrize(("answer", "spelling"),
                         _schema_pairs("Is the (prospective) adopter fostering for adoption?"))
def test_every_liia_fostering_for_adoption_spelling(answer, spelling):
    assert v.yes_no(spelling) == ({"Yes": "Y", "No": "N"}[answer], None)


@pytest.mark.parametrize(("condition", "written"), ssd_case("Ofsted List 10", "HasDisability"))
def test_ssd_disability_values(condition, written):
    expected = "Y" if "not null" in condition else "N"
    assert v.disability(written) == (expected, None)


@pytest.mark.parametrize(("value", "code"), [
    ("a) Yes", "Y"), ("1 - Yes", "Y"), (1, "Y"), (0, "N"), ("0 - No", "N"), ("b) No", "N"),
    (True, "Y"), (False, "N"), (1.0, "Y"), ("y", "Y"), ("NO", "N"),
])
def test_yes_no_examples(value, code):
    assert v.yes_no(value) == (code, None)


@pytest.mark.parametrize("value", ["c) Unknown", "Not known", "Maybe", 2, "#N/A"])
def test_yes_no_that_is_neither_is_a_problem(value):
    code, problem = v.yes_no(value)
    assert code is None and problem


# ---------------------------------------------------------------------------------------------
# Reasons
# ---------------------------------------------------------------------------------------------

REVERSAL_NOT_READ = {
    # Free text that names no reason of the four: the user chooses, V02 quotes their words.
    "care order made change of plan returned to Dad", "Court overturned the original decision",
    "Placement Disruption",
}


@pytest.mark.parametrize(("category", "spelling"),
                         _schema_pairs("Reason Why Child No Longer Placed for Adoption"))
def test_every_liia_reversal_reason(category, spelling):
    code, problem = v.reversal_reason(spelling)
    if spelling in REVERSAL_NOT_READ:
        assert code is None and problem
    else:
        assert (code, problem) == ("RD" + str("abcd".index(category[0]) + 1), None)


@pytest.mark.parametrize(("condition", "written"),
                         ssd_case("Ofsted List 10", "DecisionReversedReason"))
def test_every_ssd_reversal_reason(condition, written):
    assert v.reversal_reason(written) == (re.search(r"'(RD\d)'", condition).group(1), None)


@pytest.mark.parametrize(("value", "code"), [
    ("RD3", "RD3"), ("c) RD3", "RD3"), ("RD3 Prospective adopters could not be found", "RD3"),
    ("The Court did not make a placement order (RD2)", "RD2"), ("rd1", "RD1"),
    ("Child's needs changed subsequent to decision", "RD1"), ("Any other reason", "RD4"),
])
def test_reversal_reason_examples(value, code):
    assert v.reversal_reason(value) == (code, None)


def test_unread_reversal_reason_is_kept_and_never_called_blank():
    original = "Birth family came forward"
    stored, problem = v.kept(v.reversal_reason, original)
    assert stored == original and problem  # V02 quotes it; C04 does not call it blank
    assert v.kept(v.reversal_reason, "  ") == (None, None)
    assert v.kept(v.reversal_reason, "RD2") == ("RD2", None)


LEFT_OF_CATEGORY = {
    "a) Withdrew": v.LeftReason("WITHDREW", True, False),
    "b) Process on hold": v.LeftReason(None, False, False),
    "c) Application refused": v.LeftReason("NOT_APPROVED", True, False),
}


@pytest.mark.parametrize(("category", "spelling"),
                         _schema_pairs("Reason for leaving adoption process"))
def test_every_liia_leaving_reason(category, spelling):
    assert v.left_reason(spelling) == LEFT_OF_CATEGORY[category]


@pytest.mark.parametrize(("value", "expected"), [
    ("Application refused", ("NOT_APPROVED", True, False)),
    ("Assessed as unsuitable", ("NOT_APPROVED", True, False)),
    ("not approved", ("NOT_APPROVED", True, False)),
    ("NOT_APPROVED", ("NOT_APPROVED", True, False)),
    ("Withdrew", ("WITHDREW", True, False)), ("Adopter(s) withdrew", ("WITHDREW", True, False)),
    ("Adopted", ("ADOPTED", True, False)), ("Child(ren) adopted", ("ADOPTED", True, False)),
    ("Adoption order granted", ("ADOPTED", True, False)),
    ("Process on hold", (None, False, False)), ("On hold", (None, False, False)),
    ("Moved abroad", ("OTHER", True, True)), ("RD1", ("OTHER", True, True)),
    (None, (None, False, False)), ("", (None, False, False)), ("other", ("OTHER", True, False)),
])
def test_left_reason_examples(value, expected):
    assert tuple(v.left_reason(value)) == expected


# ---------------------------------------------------------------------------------------------
# Placeholder dates
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["01/01/1900", "1/1/1900", "1900-01-01", 1, 2, 1.0,
                                   datetime(1900, 1, 1), date(1900, 1, 1), " 01/01/1900 "])
def test_placeholder_dates(value):
    assert v.placeholder_date(value) is True


@pytest.mark.parametrize("value", ["02/01/2020", "1900-01-02x", 45000, datetime(2020, 1, 1), None,
                                   True, "", "01/01/1901", float("nan")])
def test_real_dates_are_not_placeholders(value):
    assert v.placeholder_date(value) is False


def test_ssd_list_11_placeholder_is_recognised():
    from tests.annex_a_samples import ssd_section

    written = set(re.findall(r"'(\d\d/\d\d/\d{4})'\s+AS", ssd_section("Ofsted List 11")))
    assert written == {"01/01/1900"}
    assert all(v.placeholder_date(w) for w in written)


# ---------------------------------------------------------------------------------------------
# Headers
# ---------------------------------------------------------------------------------------------

OFSTED_10 = ["Child Unique ID", "Family identifier", "Gender", "Ethnicity", "Date of Birth",
             "Age of Child (Years)", "Does the Child have a Disability",
             "Date the Child Entered Care",
             "Date of Decision that Child Should be Placed for Adoption",
             "Date of Placement Order", "Date of Matching Child and Prospective Adopters",
             "Date Placed for Adoption", "Date of Adoption Order",
             "Date of Decision that Child Should No Longer be Placed for Adoption",
             "Reason Why Child No Longer Placed for Adoption",
             "Date the child was placed for fostering in FFA or concurrent planning placement"]
OFSTED_11 = ["Individual adopter identifier", "Family identifier", "Gender", "Ethnicity",
             "Disability", "Is the (prospective) adopter fostering for adoption?",
             "Date enquiry received", "Date Stage 1 started", "Date Stage 1 ended",
             "Date Stage 2 started", "Date Stage 2 ended", "Date application submitted",
             "Date application approved", "Date adopter matched with child(ren)",
             "Date child/children placed with adopter(s)", "No. of children placed",
             "Date of Adoption Order", "Date of leaving adoption process",
             "Reason for leaving adoption process"]


def test_header_normal_forms():
    assert v.normalise_header("  Date the Child  Entered Care ") == "date the child entered care"
    assert v.header_key("EnteredCareDate") == v.header_key("Entered care date") == "enteredcaredate"
    assert v.LIST_10_HEADERS[v.header_key("Date the Child Entered Care ")] == "entered_care_date"
    assert v.normalise_header(None) == "" and v.header_key(float("nan")) == ""


def test_ofsted_list_10_header_maps_every_column():
    positions, unknown, missing = v.map_header(OFSTED_10, "List 10")
    assert unknown == [] and missing == []
    assert sorted(positions.values()) == sorted(v.LIST_10_COLUMNS)
    assert positions[7] == "entered_care_date" and 1 not in positions  # Family identifier unused


def test_ofsted_list_11_header_maps_every_column():
    positions, unknown, missing = v.map_header(OFSTED_11, "List 11")
    assert unknown == [] and missing == []
    assert positions[1] == "adopter_id" and positions[16] == "adoption_order_date"
    assert sorted(positions.values()) == sorted(v.LIST_11_COLUMNS)


@pytest.mark.parametrize(("list_name", "report"), [("List 10", "Ofsted List 10"),
                                                   ("List 11", "Ofsted List 11")])
def test_every_ssd_alias_is_known(list_name, report):
    aliases = ssd_aliases(report)
    assert "EnteredCareDate" in aliases or "EnquiryDate" in aliases  # the parser found them
    positions, unknown, _ = v.map_header(aliases, list_name)
    assert unknown == []
    columns = dict(zip(aliases, [positions.get(i) for i in range(len(aliases))]))
    if list_name == "List 10":
        assert columns["EnteredCareDate"] == "entered_care_date"
        assert columns["ADMSHOBPADecisionDate"] == "adm_decision_date"
        assert columns["MatchedForAdoptionDate"] == "matched_date"
        assert columns["DateFFAConsurrencyPlacement"] == "ffa_cp_placed_date"
    else:
        assert columns["AdoptedByCarer"] == "fostering_for_adoption"
        assert columns["ApplicationApprDate"] == "approval_date"
        assert columns["AdoptionLeaveDate"] == "left_date"
        assert columns["AdoptingLeaveReason"] == "left_reason"


def test_liia_header_regexes_are_matched_by_our_spellings():
    """Each concrete spelling we list for child id and date of birth fits LIIA's regex."""
    child = re.compile(r"\bchild\b.*\b(id|identifier)\b|\b(id|identifier)\b.*\bchild\b", re.I)
    birth = re.compile(r".*date.*birth.*", re.I)
    ours_child = [k for k, c in v.LIST_10_HEADERS.items() if c == "child_id"]
    assert len(ours_child) >= 5
    for header in ("Child ID", "Child Identifier", "Unique Child ID", "ID of Child"):
        assert child.search(header) and v.map_header([header], "List 10").positions == {
            0: "child_id"}
    for header in ("Date of Birth", "Child's Date of Birth", "DateOfBirth"):
        assert birth.match(header) or header == "DateOfBirth"
        assert v.map_header([header], "List 10").positions == {0: "date_of_birth"}


def test_unknown_header_gets_the_nearest_ofsted_name_and_missing_columns_are_listed():
    cells = list(OFSTED_10)
    cells[7] = "Date child entred care"
    cells[14] = "Colour"
    result = v.map_header(cells, "List 10")
    assert (7, "Date child entred care", "Date the Child Entered Care") in result.unknown
    assert (14, "Colour", None) in result.unknown
    assert result.missing == ["entered_care_date", "decision_reversed_reason"]


def test_a_second_cell_for_the_same_column_is_reported():
    result = v.map_header(["Child Unique ID", "ChildUniqueID"], "List 10")
    assert result.positions == {0: "child_id"}
    assert result.unknown == [(1, "ChildUniqueID", None)]


def test_lists_are_found_by_their_headers():
    assert v.looks_like_list_10(OFSTED_10) and not v.looks_like_list_11(OFSTED_10)
    assert v.looks_like_list_11(OFSTED_11) and not v.looks_like_list_10(OFSTED_11)
    assert v.looks_like_list_10(ssd_aliases("Ofsted List 10"))
    assert v.looks_like_list_11(ssd_aliases("Ofsted List 11"))
    assert not v.looks_like_list_10(["Child Unique ID", "Gender", "Date of Birth"])
    assert not v.looks_like_list_11([None, 3, float("nan")])


# ---------------------------------------------------------------------------------------------
# Never raises
# ---------------------------------------------------------------------------------------------

READERS = [v.sex, v.household_gender, v.ethnicity, v.yes_no, v.disability, v.reversal_reason]
ODD = [None, math.nan, pd.NA, pd.NaT, 1.0, 1.5, -3, 10**30, True, False, datetime(2020, 1, 2),
       date(2020, 1, 2), "#N/A", "   ", "\x00", "=A1+1", float("inf"), b"bytes", object(), [],
       "\u2019\u00a0"]


@pytest.mark.parametrize("value", ODD, ids=[type(v).__name__ if type(v) is object else repr(v) for v in ODD])
def test_odd_cells_never_raise(value):
    for reader in READERS:
        code, problem = reader(value)
        assert code is None or isinstance(code, str)
        assert problem is None or isinstance(problem, str)
    assert isinstance(v.left_reason(value), v.LeftReason)
    assert isinstance(v.placeholder_date(value), bool)
    assert isinstance(v.header_key(value), str)


@pytest.mark.parametrize("value", [None, math.nan, "", "   ", pd.NA, "nan"], ids=repr)
def test_blank_is_blank_for_every_reader(value):
    for reader in READERS:
        assert reader(value) == (None, None)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.integers(), st.floats(), st.booleans(), st.none(),
                 st.datetimes()))
def test_arbitrary_cells_never_raise_and_codes_are_ours(value):
    assert v.sex(value)[0] in (None, "M", "F", "U")
    assert v.ethnicity(value)[0] in (None, *ETHNIC)
    assert v.yes_no(value)[0] in (None, "Y", "N")
    assert v.disability(value)[0] in (None, "Y", "N")
    assert v.reversal_reason(value)[0] in (None, "RD1", "RD2", "RD3", "RD4")
    reason = v.left_reason(value)
    assert reason.code in (None, "WITHDREW", "NOT_APPROVED", "ADOPTED", "OTHER")
    assert isinstance(v.placeholder_date(value), bool)
    v.map_header([value, value], "List 11")
    v.looks_like_list_10([value])


@pytest.mark.parametrize("value", ["B5", "D4", "d5"])
def test_a_census_like_code_the_census_list_lacks_is_not_read_as_an_ethnicity(value):
    # Found by the property test above: `B5` looked like a census code and raised KeyError,
    # which would have stopped the file's import with a 500-like error instead of a message.
    code, _problem = v.ethnicity(value)
    assert code is None or code in v.ETHNIC
