"""How real Annex A files spell their headers and values, reduced to the return's columns and codes.

Pure functions, no I/O: the Annex A reader maps each header cell with `map_header` and passes each
cell through a value reader. Imports only the standard library, pandas and db.return_format.

Every value reader takes one cell (str, int, float, bool, datetime, None, NaN: anything) and
never raises. It returns `(code, problem)`:
- `(code, None)`: the cell means that code;
- `(None, None)`: the cell is blank (None, NaN, empty or only spaces, the text "nan");
- `(None, problem)`: the cell says something we cannot reduce to a code; `problem` is a sentence
  for the user. The caller keeps the ORIGINAL cell so that V02 quotes what the user typed, and so
  that a reason we could not read is never mistaken for a missing one. `kept(reader, value)` does
  exactly that.
`left_reason` returns a triple instead (see there); `placeholder_date` a bool.

Decisions (docs/annex-a.md says the same for users):
- Sex: `U` covers Ofsted's `c) Not stated/recorded` and `d) Neither`, SSDA903/ISO 5218's 0 and 9,
  `I` (indeterminate), unborn and transgender entries: the return's sex codes are M, F, U and
  a recorded transgender identity does not tell us which of M or F the agency's records hold.
  `1`/`2` are male/female as in SSDA903 SEX and ISO 5218.
- Disability not known (`c) Unknown`, `Not known`, `NOBT`, `Refused`): not mapped. The return
  needs Y or N and "not known" is neither; reading it as N would quietly count a child of unknown
  disability as not disabled, and reading it as blank would report "required value blank", which
  is not what the user typed. So the reader returns a problem and V02 quotes `c) Unknown`.
- Ethnicity: a return code anywhere in the text wins (`WBRI - White British`, `s) NOBT`), then an
  SSDA903 extended code (`WEEU`, `BNGN`), then the words (`White - British`, `Mixed - White and
  Black Caribbean`), then a 2001-census letter-number code (`A1` = WBRI ... `E4` = NOBT, as the
  SSD query maps them). Words win over `A.A3`-style local codes because the same local code is
  seen with different labels. A broad group alone (`White`, `Asian or Asian British`, `A`) is
  not mapped: it cannot say which code. `u) UNKNOWN` (the SSD query's catch-all) and "not yet
  obtained" are NOBT; only an explicit refusal is REFU.
- Reversal reasons: the RD code if present, else the meaning of Ofsted's or DfE's wording.
- Leaving reasons: Ofsted's `b) Process on hold` is not leaving at all; `c) Application refused`
  is NOT_APPROVED; a reversal code (the SSD query writes the child's RD code there) or any other
  text is OTHER with `other=True`, for the A01 warning.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

import pandas as pd

from db.return_format import ETHNIC, LEFT_REASON

Reading = tuple[str | None, str | None]  # (code, problem); see the module docstring


# ---------------------------------------------------------------------------------------------
# Cells to text
# ---------------------------------------------------------------------------------------------

_PUNCT = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                        "\u2013": "-", "\u2014": "-", "\u00a0": " "})
_MOJIBAKE = ("\u00e2\u20ac\u2122", "'")  # a UTF-8 apostrophe read as Windows-1252
_LETTER_PREFIX = re.compile(r"^\(?[a-z]{1,2}\)\s*(?=\S)", re.IGNORECASE)  # Ofsted's "a) ", "(k) "


def _text(value: Any) -> str | None:
    """The cell as trimmed text with tidy punctuation, or None when blank. Never raises."""
    try:
        if value is None or value is pd.NaT:
            return None
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, float):
            if math.isnan(value):
                return None
            if math.isinf(value):
                return str(value)
            return str(int(value)) if value.is_integer() else repr(value)
        if isinstance(value, (int, datetime, date)):
            return str(value)
        if not isinstance(value, str):
            try:
                if pd.isna(value):
                    return None
            except (TypeError, ValueError):
                pass
            value = str(value)
        text = unicodedata.normalize("NFKC", value).replace(*_MOJIBAKE).translate(_PUNCT)
        text = " ".join(text.split())
        if not text or text.lower() == "nan":
            return None
        return text
    except Exception:  # a hostile object's __str__; a reader must never raise
        return None


def _words(text: str) -> str:
    """Lower-case letters and digits only, single-spaced, padded with a space each side."""
    return " " + " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split()) + " "


def _has(words: str, *phrases: str) -> bool:
    return any(f" {p} " in words for p in phrases)


def _stem(words: str, *stems: str) -> bool:
    """A word starting with one of the stems."""
    return any(f" {s}" in words for s in stems)


def _unmapped(what: str, text: str, expected: str) -> Reading:
    article = "an" if what[:1].lower() in "aeiou" else "a"
    return None, f"{text!r} is not {article} {what} we can read; use {expected}."


def kept(reader: Callable[[Any], Reading], value: Any) -> tuple[Any, str | None]:
    """(what to store, problem): the code when the reader maps the cell, else the original cell.

    Blank cells become None, so V01 reports only cells that really are blank.
    """
    code, problem = reader(value)
    if code is not None:
        return code, problem
    if problem is None:
        return None, None
    return value, problem


# ---------------------------------------------------------------------------------------------
# Sex and adopters' genders
# ---------------------------------------------------------------------------------------------

_SEX_CODES = {"m": "M", "1": "M", "f": "F", "2": "F", "u": "U", "i": "U", "0": "U", "9": "U",
              "x": "U"}
_SEX_UNKNOWN_WORDS = (
    "not stated", "not recorded", "not known", "not specified", "unknown", "unspecified",
    "unborn", "withheld", "neither", "indeterminate", "transgender", "non binary", "nonbinary",
    "unable to classify", "dysphoria", "not stated recorded", "other",
)


def sex(value: Any) -> Reading:
    """M, F or U from `a) Male`, `1 - Male`, `1`, `2`, `M`, `Female`, `c) Not stated/recorded`,
    `d) Neither`, `Unknown`, `u) UNKNOWN`, 1.0 ..."""
    text = _text(value)
    if text is None:
        return None, None
    bare = text.lower()
    if bare in _SEX_CODES:
        return _SEX_CODES[bare], None
    label = _LETTER_PREFIX.sub("", text)
    words = _words(label)
    if _has(words, *_SEX_UNKNOWN_WORDS):
        return "U", None
    if _has(words, "female", "woman", "girl", "f"):
        return "F", None
    if _has(words, "male", "man", "boy", "m"):
        return "M", None
    leading = re.match(r"^\s*(\d)\b", label)
    if leading and leading.group(1) in _SEX_CODES:
        return _SEX_CODES[leading.group(1)], None
    return _unmapped("sex", text,
                     "M, F or U (or Ofsted's a) Male, b) Female, c) Not stated/recorded)")


def household_gender(value: Any) -> Reading:
    """M or F for one List 11 adopter; anything else (U included) is a problem: the household
    codes M1, F1, MM, FF, MF need each adult's gender."""
    code, problem = sex(value)
    if code in ("M", "F"):
        return code, None
    if code is None and problem is None:
        return None, None
    return None, (f"{_text(value)!r}: a household's code (M1, F1, MM, FF, MF) needs each adopter "
                  "recorded as male or female.")


def household(genders: Iterable[Any]) -> Reading:
    """M1, F1, MM, FF or MF from the genders of one household's adopters (one or two)."""
    read = [household_gender(g) for g in genders]
    problems = [p for _, p in read if p]
    if problems:
        return None, problems[0]
    codes = sorted(c for c, _ in read if c)
    if not codes:
        return None, None
    joined = "".join(codes)
    result = {"M": "M1", "F": "F1", "MM": "MM", "FF": "FF", "FM": "MF"}.get(joined)
    if result is None:
        return None, (f"a household of {len(codes)} adopters; the codes M1, F1, MM, FF, MF "
                      "cover one or two.")
    return result, None


# ---------------------------------------------------------------------------------------------
# Yes/no flags and disability
# ---------------------------------------------------------------------------------------------

_YES = ("yes", "y", "1", "true", "t")
_NO = ("no", "n", "0", "false", "f", "none", "no disability", "not disabled")
_NOT_KNOWN = ("unknown", "not known", "not obtained", "information not yet obtained",
              "not yet obtained", "nobt", "refu", "refused", "not recorded", "not stated",
              "u", "nk", "information not obtained")
# SSDA903/CIN disability codes and their words: each names a disability, so the answer is yes.
_DISABILITY_WORDS = (
    "aut", "autism", "asperger", "beh", "behaviour", "comm", "communication", "con",
    "consciousness", "conciousness", "dda", "disability", "disabled", "hand", "hand function",
    "hear", "hearing", "inc", "incontinence", "incontience", "ld", "learning", "mob", "mobility",
    "pc", "personal care", "vis", "vision",
)


def _flag_words(value: Any) -> tuple[str | None, str | None]:
    """(text, words of the answer): `1 - Yes`, `0 = No`, `a) Yes` reduced to `yes`/`no`."""
    text = _text(value)
    if text is None:
        return None, None
    label = _LETTER_PREFIX.sub("", text)
    label = re.sub(r"^\s*[01]\s*[-=:]?\s*(?=[a-z])", "", label, flags=re.IGNORECASE)
    return text, _words(label).strip()


def yes_no(value: Any) -> Reading:
    """Y or N from `a) Yes`, `b) No`, `1 - Yes`, `0 = No`, `Yes`, `Y`, `1`, `0`, 1.0, True ..."""
    text, words = _flag_words(value)
    if text is None or words is None:
        return None, None
    if words in _YES:
        return "Y", None
    if words in _NO:
        return "N", None
    if words in _NOT_KNOWN or words.startswith(("unknown", "not known")):
        return None, f"{text!r} says this is not known; the return needs Y or N."
    return _unmapped("yes/no answer", text, "Y or N (or a) Yes, b) No)")


def disability(value: Any) -> Reading:
    """Y or N for List 10's disability; a named disability (`AUTISM`, `HEAR`) is Y, `NONE` N.
    Not known (`c) Unknown`, `NOBT`, `Refused`) is a problem, never N: see the module docstring."""
    code, problem = yes_no(value)
    if code is not None or problem is None:
        return code, problem
    _, words = _flag_words(value)
    if words and any(_has(_words(words), w) for w in _DISABILITY_WORDS) and not _has(
        _words(words), "not", "none", "unknown"
    ):
        return "Y", None
    if words and _has(_words(words), *(w for w in _NOT_KNOWN if " " in w or len(w) > 2)):
        return None, (f"{_text(value)!r} says the child's disability is not known; the return "
                      "needs Y or N, so record whether the child has a disability.")
    return code, problem


# ---------------------------------------------------------------------------------------------
# Ethnicity
# ---------------------------------------------------------------------------------------------

# 2001 census letter-number codes, as the SSD Annex A query maps them.
CENSUS_ETHNICITY = {
    "A1": "WBRI", "A2": "WIRI", "A3": "WOTH", "A4": "WIRT", "A5": "WROM",
    "B1": "MWBC", "B2": "MWBA", "B3": "MWAS", "B4": "MOTH",
    "C1": "AIND", "C2": "APKN", "C3": "ABAN", "C4": "AOTH",
    "D1": "BCRB", "D2": "BAFR", "D3": "BOTH",
    "E1": "CHNE", "E2": "OOTH", "E3": "REFU", "E4": "NOBT", "E5": "NOBT",
}  # fmt: skip
# SSDA903 / school census extended codes, each to its main code.
EXTENDED_ETHNICITY = {
    **dict.fromkeys(("WENG", "WSCO", "WWEL", "WCOR", "WOWB"), "WBRI"),
    **dict.fromkeys(("WALB", "WBOS", "WCRO", "WEEU", "WEUR", "WGRC", "WGRE", "WGRK", "WITA",
                     "WKOS", "WPOR", "WSER", "WTUC", "WTUK", "WTUR", "WWEU", "WOTW"), "WOTH"),
    **dict.fromkeys(("MWAI", "MWAO", "MWAP"), "MWAS"),
    **dict.fromkeys(("MAOE", "MABL", "MACH", "MBOE", "MCOE", "MWCH", "MWOE", "MOTM", "MBCH"),
                    "MOTH"),
    **dict.fromkeys(("AMPK", "AKPA", "AOPK"), "APKN"),
    **dict.fromkeys(("AAFR", "AKAO", "ANEP", "AOTA", "ASLT", "ASNL", "ASRO"), "AOTH"),
    **dict.fromkeys(("BANN", "BCON", "BGHA", "BNGN", "BSLN", "BSOM", "BSUD", "BAOF"), "BAFR"),
    **dict.fromkeys(("BEUR", "BNAM", "BOTB", "BBRI"), "BOTH"),
    **dict.fromkeys(("CHKC", "CMAL", "CSNG", "CTWN", "COCH"), "CHNE"),
    **dict.fromkeys(("OAFG", "OARA", "OEGY", "OFIL", "OIRN", "OIRQ", "OJPN", "OKOR", "OKRD",
                     "OLAM", "OLEB", "OLIB", "OMAL", "OMRC", "OPOL", "OTHA", "OVIE", "OYEM",
                     "OOEG"), "OOTH"),
}
_ETHNIC_TOKEN = re.compile(r"(?<![A-Za-z])([A-Z]{4})(?![A-Za-z])")
_CENSUS_TOKEN = re.compile(r"(?<![A-Za-z0-9.])([A-E][1-5])(?![0-9.])", re.IGNORECASE)
# A broad group alone cannot say which code.
_BROAD = {
    " white ", " mixed ", " asian ", " black ", " a ", " b ", " c ", " d ", " e ",
    " asian or asian british ", " asian asian british ", " black or black british ",
    " black black british ", " black african caribbean black british ",
    " black black british african caribbean ", " mixed multiple ", " mixed multiple ethnic groups ",
    " mixed multiple ethic groups ", " mixed multiple ethnic background ", " dual heritage ",
    " chinese or other ethnic group ", " mixed race ",
}
_REFUSED = re.compile(
    r"refus|declin|not to say|prefer not|preferred not|did not wish|would not say|not divulged|"
    r"not disclosed|withheld|\bdtg\b|unable to provide"
)
_NOT_OBTAINED = re.compile(
    r"not yet|not obtained|not known|unknown|\bunk\b|not recorded|not stated|unborn|no data|"
    r"no information|not asked|not given|not populated|undeclared|not declared|information not|"
    r"client contact|ethnicity obtained|form not completed|^ns$|do not use|obsolete|multivalue|"
    r"^x+\b|not established|information not yet available"
)
_WHITE_OTHER_WORDS = (
    "albanian", "bulgarian", "greek", "cypriot", "italian", "jersey", "jewish", "mediterranean",
    "polish", "portuguese", "turkish", "bosnian", "croatian", "serbian", "russian", "spanish",
    "latvian", "lithuanian", "hungarian", "slovakian", "romanian", "dutch", "french", "german",
    "estonian", "scandanavian", "scandinavian", "caucasian", "european", "ussr", "yugoslav",
)
_OTHER_WORDS = (
    "arab", "iranian", "iraqi", "iraq", "kurdish", "latin", "south american", "central american",
    "vietnamese", "vietnam", "filipino", "japanese", "korean", "thai", "malay", "yemeni",
    "egyptian", "lebanese", "libyan", "moroccan", "polynesian", "cambodian", "afghan",
    "afghanistani", "afghani", "syrian", "algerian", "kosovan",
)
_CARIBBEAN_WORDS = (
    "caribbean", "carribean", "carribbean", "carib", "jamaica", "jamaican", "west indian", "guyana",
    "barbados", "antigua", "bahamas", "dominica", "grenada", "montserrat", "kitts", "vincent",
    "trinidad",
)
_AFRICAN_WORDS = (
    "african", "nigerian", "ghanaian", "ghanian", "somali", "somalian", "congolese", "eritrean",
    "gambian", "kenyan", "sudanese", "zimbabwean", "angolan", "ethiopian", "zairean", "cameroon",
    "liberian", "senegalese", "sierra", "swazi", "tanzanian", "burkina",
)


def _ethnicity_by_words(label: str) -> str | None:
    lowered = re.sub(r"part not stated", " ", label.lower())  # "Cypriot (part not stated)"
    words = _words(lowered)
    if words in _BROAD:
        return None
    if _REFUSED.search(lowered):
        return "REFU"
    if _NOT_OBTAINED.search(lowered.strip()):
        return "NOBT"
    if _stem(words, "traveller", "travellers") or "irish heritage" in words:
        return "WIRT"
    if _stem(words, "gypsy", "gyspy", "romany") or _has(words, "roma"):
        return "WROM"
    white = _has(words, "white", "whiteoth")
    caribbean = _has(words, *_CARIBBEAN_WORDS)
    african = _has(words, *_AFRICAN_WORDS) and not _has(words, "african asian", "african indian")
    black = _has(words, "black") or caribbean or african
    asian = _has(words, "asian", "indian", "pakistani", "bangladeshi") and not _has(
        words, "west indian")
    chinese = _has(words, "chinese", "taiwanese", "hong kong")
    other_group = "any other ethnic" in words or "other ethnicity" in words
    joined = re.search(r"\band\b|&|\+", lowered) is not None
    groups = sum((white, black, asian, chinese, other_group))
    # "Mixed white", "European mixed", "Mixed Black", "Mixed Asian": a mix within one group.
    within_one = groups == 1 and not joined and _has(
        words, "mixed white", "european mixed", "mixed british", "mixed black",
        "mixed asian")
    mixed = not within_one and (
        _has(words, "mixed", "dual", "multiple", "mix", "multople") or (joined and groups >= 2))
    if mixed:
        if white and black and not asian:
            if caribbean and not african:
                return "MWBC"
            if african and not caribbean:
                return "MWBA"
            return "MOTH"
        if white and asian and not black:
            return "MWAS"
        return "MOTH"
    if chinese:
        rest = _words(re.sub(r"chinese or other ethnic groups?", " ", lowered))
        if _has(rest, "chinese", "taiwanese", "hong kong"):
            return "CHNE"
        if "other" in rest or _has(rest, *_OTHER_WORDS):
            return "OOTH"
        return None
    if asian or _has(words, "sri", "tamil", "sinhalese", "nepali", "punjabi", "kashmiri", "sikh",
                     "mauritian", "bangladesh", "bangaldeshi", "asianoth", "pakistan"):
        if _has(words, *_OTHER_WORDS):  # Afghan, Iraqi, Filipino, Vietnamese: DfE's "other"
            return "OOTH"
        if "african" in words or "caribbean" in words:
            return "AOTH"
        if _stem(words, "pakistan") or _has(words, "kashmiri pakistani"):
            return "APKN"
        if _has(words, "bangladeshi", "bangladesh", "bangaldeshi", "bangldsh"):
            return "ABAN"
        if _has(words, "indian") and not _has(words, "east african"):
            return "AIND"
        return "AOTH"
    if black or _has(words, "blackoth", "blackcar", "blackafr"):
        if _has(words, "blackcar") or (caribbean and not african):
            return "BCRB"
        if _has(words, "blackafr") or (african and not caribbean):
            return "BAFR"
        return "BOTH"
    if white or _has(words, "british", "english", "scottish", "welsh", "irish", "cornish"):
        if _has(words, "british", "english", "scottish", "welsh", "northern irish", "cornish"):
            if not _has(words, "other white") or _has(words, "other british", "white british"):
                return "WBRI"
        if _has(words, "irish"):
            return "WIRI"
        rest = words.replace(" white ", " ").strip()
        if white and rest:  # White and a nationality or "other": any other White background
            return "WOTH"
        return None
    if _has(words, *_WHITE_OTHER_WORDS) or _has(words, "euroth"):
        return "WOTH"
    if _has(words, *_OTHER_WORDS) or _has(words, "other", "ethoth") or (
        "other ethnic" in words or "other group" in words or "other eth" in words
    ):
        return "OOTH"
    return None


def ethnicity(value: Any) -> Reading:
    """An SSDA903 ETHNIC code from `WBRI`, `k) APKN`, `WBRI - White British`, `A1 - White
    British`, `White - British`, `(A.A1) White - British`, `Refused`, `Information not yet
    obtained`, `u) UNKNOWN` ... (order of evidence in the module docstring)."""
    text = _text(value)
    if text is None:
        return None, None
    label = _LETTER_PREFIX.sub("", text)
    upper = label.upper()
    if upper.strip() in ("UNKNOWN", "U", "(U)", "U)", "N", "(N)"):
        return "NOBT", None
    tokens = _ETHNIC_TOKEN.findall(label.upper())
    for token in tokens:
        if token in ETHNIC:
            return token, None
    for token in tokens:
        if token in EXTENDED_ETHNICITY:
            return EXTENDED_ETHNICITY[token], None
    # Words, without local codes such as "(A.A3)" or "A4.10" that would read as words.
    words_only = re.sub(r"\(?\b[A-Z]\.[A-Z]{1,3}\d*(\.\d+)?\)?|\b[A-Z]\d+(\.\d+)?\b", " ", label)
    by_words = _ethnicity_by_words(words_only)
    if by_words is not None:
        return by_words, None
    # Only codes the census list has: `B5` or `D4` look like one but name no group.
    census = [c for c in _CENSUS_TOKEN.findall(label) if c.upper() in CENSUS_ETHNICITY]
    if len(census) >= 1 and len({c.upper() for c in census}) == 1 and not re.search(
        r"[A-Z]\.[A-Z]", label
    ):
        return CENSUS_ETHNICITY[census[0].upper()], None
    return _unmapped("ethnicity", text,
                     "an SSDA903 code such as WBRI, MWBC, AIND, BAFR, CHNE, OOTH, REFU or NOBT")


# ---------------------------------------------------------------------------------------------
# Reasons
# ---------------------------------------------------------------------------------------------

_RD_TOKEN = re.compile(r"(?<![A-Za-z])RD\s*([1-4])(?!\d)", re.IGNORECASE)


def reversal_reason(value: Any) -> Reading:
    """RD1-RD4 from `RD3`, `c) RD3`, `RD3 Prospective adopters could not be found`, `The Court did
    not make a placement order (RD2)`, or Ofsted's/DfE's wording without a code."""
    text = _text(value)
    if text is None:
        return None, None
    codes = {f"RD{n}" for n in _RD_TOKEN.findall(text)}
    if len(codes) == 1:
        return codes.pop(), None
    if len(codes) > 1:
        return None, f"{text!r} names more than one reason; give one of RD1, RD2, RD3, RD4."
    words = _words(_LETTER_PREFIX.sub("", text))
    if "needs changed" in words or "needs have changed" in words:
        return "RD1", None
    if ("placement order" in words or "freeing order" in words or _has(words, "po")) and (
        _has(words, "not", "no", "refused", "did not") or "not granted" in words
    ):
        return "RD2", None
    if "adopters" in words and _stem(words, "could not", "cannot", "can not", "not found",
                                     "not be found", "be found"):
        return "RD3", None
    if _has(words, "no adopters found", "no adopters"):
        return "RD3", None
    if "other reason" in words or words.strip() == "other":
        return "RD4", None
    if words.strip() in {"1", "2", "3", "4"}:
        return f"RD{words.strip()}", None
    return _unmapped("reason a decision was reversed", text,
                     "RD1 needs changed, RD2 no placement order, RD3 no adopters found, RD4 other")


class LeftReason(NamedTuple):
    code: str | None  # WITHDREW, NOT_APPROVED, ADOPTED, OTHER, or None (blank or not leaving)
    is_leaving: bool  # False for a blank cell and for "process on hold"
    other: bool  # True when the text is not one of ours and became OTHER (warning A01)


def left_reason(value: Any) -> LeftReason:
    """Our leaving reason from Ofsted's `a) Withdrew`, `c) Application refused`, `1 - Adopter
    withdrew from process`, `Assessed as unsuitable`, `Child(ren) adopted`; `b) Process on hold`
    and `On hold` are not leaving (code None, is_leaving False)."""
    text = _text(value)
    if text is None:
        return LeftReason(None, False, False)
    upper = text.upper().replace(" ", "_")
    if upper in LEFT_REASON:
        return LeftReason(upper, True, False)
    if upper == "NOT_APPROVED" or upper == "NOTAPPROVED":
        return LeftReason("NOT_APPROVED", True, False)
    label = _LETTER_PREFIX.sub("", text)
    words = _words(label)
    numbered = re.match(r"^\s*([123])\s*(?:[-=:.)]|$)", label)
    if "hold" in words.split():
        return LeftReason(None, False, False)
    if _stem(words, "withdr"):
        return LeftReason("WITHDREW", True, False)
    if _stem(words, "refus", "unsuitab", "not suitable", "not approved", "declined", "rejected",
             "turned down"):
        return LeftReason("NOT_APPROVED", True, False)
    if _stem(words, "adopted", "adoption order"):
        return LeftReason("ADOPTED", True, False)
    if numbered:
        return {"1": LeftReason("WITHDREW", True, False), "2": LeftReason(None, False, False),
                "3": LeftReason("NOT_APPROVED", True, False)}[numbered.group(1)]
    return LeftReason("OTHER", True, True)


# ---------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------

def placeholder_date(value: Any) -> bool:
    """True for the dates extracts write when they have none: 01/01/1900 (the SSD query's List 11
    dates), 1900-01-01, and Excel serials 1 and 2 (1900-01-01 and 1900-01-02 to Excel)."""
    try:
        if isinstance(value, bool) or value is None:
            return False
        if isinstance(value, (int, float)):
            return value in (0, 1, 2)
        if isinstance(value, (datetime, date)):
            return (value.year, value.month, value.day) in ((1900, 1, 1), (1899, 12, 31),
                                                            (1899, 12, 30))
        text = _text(value)
        if text is None:
            return False
        if text in ("0", "1", "2"):
            return True
        return re.match(r"^(0?1[/.-]0?1[/.-]1900|1900-0?1-0?1)(\b|T| |$)", text) is not None
    except Exception:
        return False


# ---------------------------------------------------------------------------------------------
# Headers
# ---------------------------------------------------------------------------------------------

def normalise_header(text: Any) -> str:
    """Lower case, trimmed, inner spaces collapsed: `Date the Child Entered Care ` ->
    `date the child entered care`."""
    cleaned = _text(text)
    return cleaned.lower() if cleaned else ""


def header_key(text: Any) -> str:
    """The header without spaces or punctuation, the key of LIST_10_HEADERS/LIST_11_HEADERS:
    `EnteredCareDate`, `Entered care date` -> `enteredcaredate`."""
    return re.sub(r"[^a-z0-9]", "", normalise_header(text))


# Our column -> the spellings seen: Ofsted's published header first (used in suggestions), then
# the LIIA schema's header regexes made concrete, then the SSD query's aliases, then other
# spellings of the same words.
_LIST_10_SPELLINGS: dict[str, tuple[str, ...]] = {
    "child_id": ("Child Unique ID", "ChildUniqueID", "Child ID", "Child Identifier",
                 "Child Unique Identifier", "Unique Child ID", "ID of Child", "Child Reference ID"),
    "sex": ("Gender", "Sex", "Child's Gender"),
    "ethnicity": ("Ethnicity", "Ethnic Origin", "Ethnic Group", "Child's Ethnicity"),
    "date_of_birth": ("Date of Birth", "DateOfBirth", "DOB", "Child's Date of Birth",
                      "Child Date of Birth"),
    "disability": ("Does the Child have a Disability", "HasDisability", "Disability",
                   "Does the Child have a Disability?", "Disabled"),
    "entered_care_date": ("Date the Child Entered Care", "EnteredCareDate", "Entered Care Date",
                          "Date Entered Care", "Date Child Entered Care",
                          "Date the Child Started to be Looked After"),
    "adm_decision_date": ("Date of Decision that Child Should be Placed for Adoption",
                          "ADMSHOBPADecisionDate", "ADM Decision Date", "SHOBPA Decision Date",
                          "Date of ADM Decision", "Date of Decision to Place for Adoption",
                          "Date of Decision that the Child Should be Placed for Adoption",
                          "Date of SHOBPA Decision"),
    "placement_order_date": ("Date of Placement Order", "PlacementOrderDate",
                             "Placement Order Date", "Date Placement Order Granted"),
    "matched_date": ("Date of Matching Child and Prospective Adopters", "MatchedForAdoptionDate",
                     "Matched Date", "Date Matched", "Date of Match", "Matched for Adoption Date",
                     "Date of Matching Child and Prospective Adopter"),
    "placed_date": ("Date Placed for Adoption", "PlacedForAdoptionDate", "Placed for Adoption Date",
                    "Date Placed"),
    "adoption_order_date": ("Date of Adoption Order", "AdoptionOrderDate", "Adoption Order Date"),
    "decision_reversed_date": (
        "Date of Decision that Child Should No Longer be Placed for Adoption",
        "DecisionReversedDate", "Decision Reversed Date", "Date Decision Reversed",
        "Date of Decision that the Child Should No Longer be Placed for Adoption"),
    "decision_reversed_reason": (
        "Reason Why Child No Longer Placed for Adoption", "DecisionReversedReason",
        "Decision Reversed Reason", "Reason Decision Reversed",
        "Reason Why Child No Longer to be Placed for Adoption",
        "Reason Why the Child is No Longer Placed for Adoption"),
    "ffa_cp_placed_date": (
        "Date the child was placed for fostering in FFA or concurrent planning placement",
        "DateFFAConsurrencyPlacement", "DateFFAConcurrencyPlacement", "FFA Placement Date",
        "Date Placed in FFA or Concurrent Planning Placement",
        "Date the child was placed for fostering in FfA or CP placement"),
}
_LIST_10_UNUSED_SPELLINGS = (
    "Family identifier", "FamilyID", "Family ID", "Age of Child (Years)", "Age", "Age of Child",
    "Age (Years)", "Child Age", "Age in Years",
)

_LIST_11_SPELLINGS: dict[str, tuple[str, ...]] = {
    "adopter_id": ("Family identifier", "FamilyID", "Family ID", "Adoptive Family Identifier",
                   "Adopter Family ID", "Household ID"),
    "_gender": ("Gender", "Sex", "Adopter Gender"),
    "ethnicity": ("Ethnicity", "Ethnic Origin", "Ethnic Group", "Adopter Ethnicity"),
    "fostering_for_adoption": (
        "Is the (prospective) adopter fostering for adoption?", "AdoptedByCarer",
        "Is the prospective adopter fostering for adoption", "Fostering for Adoption", "FFA",
        "Is the adopter fostering for adoption?"),
    "enquiry_date": ("Date enquiry received", "EnquiryDate", "Enquiry Date", "Date of Enquiry",
                     "Date Enquiry Received by Agency"),
    "stage1_start_date": ("Date Stage 1 started", "Stage1StartDate", "Stage 1 Start Date",
                          "Date Stage One Started"),
    "stage1_end_date": ("Date Stage 1 ended", "Stage1EndDate", "Stage 1 End Date",
                        "Date Stage One Ended"),
    "stage2_start_date": ("Date Stage 2 started", "Stage2StartDate", "Stage 2 Start Date",
                          "Date Stage Two Started"),
    "stage2_end_date": ("Date Stage 2 ended", "Stage2EndDate", "Stage 2 End Date",
                        "Date Stage Two Ended"),
    "approval_date": ("Date application approved", "ApplicationApprDate",
                      "Application Approved Date", "ApplicationApprovedDate", "Approval Date",
                      "Date Approved"),
    "matched_date": ("Date adopter matched with child(ren)", "MatchedDate", "Matched Date",
                     "Date adopter matched with children", "Date adopter matched with child",
                     "Date Matched"),
    "placed_date": ("Date child/children placed with adopter(s)", "PlacedDate", "Placed Date",
                    "Date child placed with adopter", "Date children placed with adopters",
                    "Date Placed"),
    "adoption_order_date": ("Date of Adoption Order", "AdoptionOrderDate", "Adoption Order Date"),
    "left_date": ("Date of leaving adoption process", "AdoptionLeaveDate", "Date Left",
                  "Date Left Adoption Process", "Leaving Date", "Date of Leaving"),
    "left_reason": ("Reason for leaving adoption process", "AdoptingLeaveReason",
                    "AdoptionLeaveReason", "Reason for Leaving", "Leaving Reason",
                    "Reason Left Adoption Process"),
}
_LIST_11_UNUSED_SPELLINGS = (
    "Individual adopter identifier", "AdopterID", "Adopter ID", "Individual Adopter ID",
    "Disability", "HasDisability", "Does the Adopter have a Disability",
    "Date application submitted", "ApplicationDate", "Application Submitted Date",
    "No. of children placed", "NumSiblingsPlaced", "Number of Children Placed",
    "Date of Birth", "DateOfBirth", "Age",
)


def _keyed(spellings: dict[str, tuple[str, ...]]) -> dict[str, str]:
    keyed: dict[str, str] = {}
    for column, names in spellings.items():
        for name in names:
            keyed.setdefault(header_key(name), column)
    return keyed


LIST_10_HEADERS: dict[str, str] = _keyed(_LIST_10_SPELLINGS)
LIST_11_HEADERS: dict[str, str] = _keyed(_LIST_11_SPELLINGS)
LIST_10_UNUSED: frozenset[str] = frozenset(map(header_key, _LIST_10_UNUSED_SPELLINGS))
LIST_11_UNUSED: frozenset[str] = frozenset(map(header_key, _LIST_11_UNUSED_SPELLINGS))
LIST_10_COLUMNS: tuple[str, ...] = tuple(_LIST_10_SPELLINGS)
LIST_11_COLUMNS: tuple[str, ...] = tuple(_LIST_11_SPELLINGS)
# Ofsted's header for each column, as the user should write it.
LIST_10_OFSTED: dict[str, str] = {c: names[0] for c, names in _LIST_10_SPELLINGS.items()}
LIST_11_OFSTED: dict[str, str] = {c: names[0] for c, names in _LIST_11_SPELLINGS.items()}

_LISTS = {
    "List 10": (LIST_10_HEADERS, LIST_10_UNUSED, _LIST_10_SPELLINGS, _LIST_10_UNUSED_SPELLINGS),
    "List 11": (LIST_11_HEADERS, LIST_11_UNUSED, _LIST_11_SPELLINGS, _LIST_11_UNUSED_SPELLINGS),
}
# Columns only one of the lists has: enough of them present says which list a sheet is.
_DISTINCTIVE = {
    "List 10": ("child_id", "entered_care_date", "adm_decision_date", "placement_order_date",
                "decision_reversed_date", "decision_reversed_reason", "ffa_cp_placed_date",
                "disability"),
    "List 11": ("adopter_id", "fostering_for_adoption", "enquiry_date", "stage1_start_date",
                "stage1_end_date", "stage2_start_date", "stage2_end_date", "approval_date",
                "left_date", "left_reason"),
}
_ENOUGH_DISTINCTIVE = 4


class HeaderMap(NamedTuple):
    positions: dict[int, str]  # 0-based cell position -> our column
    unknown: list[tuple[int, str, str | None]]  # (position, header as typed, suggested header)
    missing: list[str]  # our columns no cell maps to, in the list's order


def _suggest(text: str, spellings: dict[str, tuple[str, ...]], taken: set[str]) -> str | None:
    """Ofsted's header of the nearest known spelling, preferring columns not yet found."""
    key = header_key(text)
    if not key:
        return None
    best: tuple[float, str] | None = None
    for column, names in spellings.items():
        for name in names:
            score = difflib.SequenceMatcher(None, key, header_key(name)).ratio()
            if column in taken:
                score -= 0.1
            if best is None or score > best[0]:
                best = (score, names[0])
    return best[1] if best and best[0] >= 0.6 else None


def map_header(cells: Sequence[Any], list_name: str) -> HeaderMap:
    """Map one header row of "List 10" or "List 11" to our columns.

    Known columns the return does not use are neither mapped nor unknown. A second cell for a
    column already found is unknown with the suggestion None (one column, one cell).
    """
    headers, unused, spellings, _ = _LISTS[list_name]
    positions: dict[int, str] = {}
    unknown: list[tuple[int, str, str | None]] = []
    for position, cell in enumerate(cells):
        key = header_key(cell)
        if not key or key in unused and key not in headers:
            continue
        column = headers.get(key)
        if column is None:
            text = _text(cell) or ""
            unknown.append((position, text, _suggest(text, spellings, set(positions.values()))))
        elif column in positions.values():
            unknown.append((position, _text(cell) or "", None))
        else:
            positions[position] = column
    found = set(positions.values())
    missing = [c for c in spellings if c not in found]
    return HeaderMap(positions, unknown, missing)


def _looks_like(cells: Sequence[Any], list_name: str) -> bool:
    headers = _LISTS[list_name][0]
    found = {headers.get(header_key(c)) for c in cells}
    return sum(c in found for c in _DISTINCTIVE[list_name]) >= _ENOUGH_DISTINCTIVE


def looks_like_list_10(header_cells: Sequence[Any]) -> bool:
    """True when at least four of List 10's own columns (child id, care, ADM, placement order,
    reversal dates ...) are in the row: a sheet is found by its header, not its name."""
    return _looks_like(header_cells, "List 10")


def looks_like_list_11(header_cells: Sequence[Any]) -> bool:
    """True when at least four of List 11's own columns (enquiry, stage, approval, leaving ...)
    are in the row."""
    return _looks_like(header_cells, "List 11")


__all__ = [
    "CENSUS_ETHNICITY", "EXTENDED_ETHNICITY", "HeaderMap", "LIST_10_COLUMNS", "LIST_10_HEADERS",
    "LIST_10_OFSTED", "LIST_10_UNUSED", "LIST_11_COLUMNS", "LIST_11_HEADERS", "LIST_11_OFSTED",
    "LIST_11_UNUSED", "LeftReason", "Reading", "disability", "ethnicity", "header_key",
    "household", "household_gender", "kept", "left_reason", "looks_like_list_10",
    "looks_like_list_11", "map_header", "normalise_header", "placeholder_date",
    "reversal_reason", "sex", "yes_no",
]
