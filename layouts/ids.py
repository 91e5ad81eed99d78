"""Every component id the layouts and callbacks share, as constants.

Callbacks refer to components only through these names, so a renamed id breaks at import,
not in a browser. Imports nothing.
"""

# The page frame (layouts/shell.py)
SKIP_LINK = "skip-link"
HEADER = "site-header"
SIGN_OUT = "sign-out"
MAIN = "main"
FOOTER = "site-footer"

# Returns loaded (layouts/returns.py)
RETURNS_URL = "returns-url"
RETURNS_QUARTER = "returns-quarter"
RETURNS_QUARTER_LABEL = "returns-quarter-label"
RETURNS_MESSAGE = "returns-message"
RETURNS_COUNT = "returns-count"
RETURNS_GRID = "returns-grid"

# The filter bar every dashboard page shares (layouts/filters.py)
FILTER_URL = "filter-url"
FILTER_STATE = "filter-state"
FILTER_REGION = "filter-region"
FILTER_AGENCY = "filter-agency"
FILTER_QUARTER = "filter-quarter"
FILTER_WINDOW = "filter-window"
FILTER_COMPARE = "filter-compare"
FILTER_MESSAGE = "filter-message"
# The area the page's address asked for ("" when none: the filter bar lands on the caller's own)
FILTER_ASKED_SCOPE = "filter-asked-scope"
# The board pack button in the filter bar (callbacks/board_pack.py)
BOARD_PACK = "board-pack"
BOARD_PACK_DOWNLOAD = "board-pack-download"
BOARD_PACK_MESSAGE = "board-pack-message"

# Definitions (layouts/definitions.py)
DEFINITIONS_LIST = "definitions-list"

# The chart pages' card grids (layouts/chart_pages.py): each page's is named by its slug.
def page_cards(slug: str) -> str:
    return f"{slug.replace('_', '-')}-cards"


OVERVIEW_CARDS = page_cards("overview")
TIMELINESS_CARDS = page_cards("timeliness")
SUFFICIENCY_CARDS = page_cards("sufficiency")
CHILDREN_WAITING_CARDS = page_cards("children_waiting")
ADOPTERS_CARDS = page_cards("adopters")
SPECIAL_GUARDIANSHIP_CARDS = page_cards("special_guardianship")
# The Children waiting page's child-level list, below its cards (callbacks/records.py)
CHILDREN_WAITING_RECORDS = "children-waiting-records"
CHILDREN_WAITING_RECORDS_SHOW = "children-waiting-records-show"  # "Show the list"
CHILDREN_WAITING_RECORDS_ASK = "children-waiting-records-ask"  # the button's box, hidden until offered
CHILDREN_WAITING_RECORDS_MESSAGE = "children-waiting-records-message"
CHILDREN_WAITING_RECORDS_GRID = "children-waiting-records-grid"
CHILDREN_WAITING_RECORDS_AREA = "children-waiting-records-area"  # the grid's box, hidden until shown

# Data quality (layouts/quality.py)
QUALITY_GRID = "quality-grid"
QUALITY_WARNINGS = "quality-warnings"
QUALITY_WARNINGS_TITLE = "quality-warnings-title"
QUALITY_WARNINGS_COUNT = "quality-warnings-count"
QUALITY_COMPLETENESS = "quality-completeness"

# Board mode, `?present=1` (layouts/board.py)
BOARD_FILTERS = "board-filters"
BOARD_CAPTION = "board-caption"

# Load a return (layouts/load.py)
LOAD_URL = "load-url"
LOAD_NOTICE = "load-notice"
LOAD_AGENCY = "load-agency"
LOAD_QUARTER = "load-quarter"
LOAD_UPLOAD = "load-upload"
LOAD_LIMIT = "load-limit"
LOAD_CHECK = "load-check"
LOAD_SUMMARY = "load-summary"
LOAD_NOTES = "load-notes"
LOAD_ISSUES = "load-issues"
LOAD_CONFIRM_AREA = "load-confirm-area"
LOAD_CONFIRM = "load-confirm"
LOAD_PARTIAL_AREA = "load-partial-area"  # the confirm step for loading only the rows that pass
LOAD_PARTIAL_TEXT = "load-partial-text"
LOAD_HELD_BACK = "load-held-back"
LOAD_PARTIAL = "load-partial"
LOAD_RESULT = "load-result"

# Board notes (layouts/notes.py)
NOTES_URL = "notes-url"
NOTES_AREA = "notes-area"
NOTES_QUARTER = "notes-quarter"
NOTES_TEXT = "notes-text"
NOTES_PIN = "notes-pin"
NOTES_MESSAGE = "notes-message"
NOTES_LIST = "notes-list"
NOTES_FORM = "notes-form"
NOTE_REMOVE = "note-remove"  # pattern-matching: {"type": NOTE_REMOVE, "note": <id>}

# Audit log (layouts/audit.py)
AUDIT_KIND = "audit-kind"
AUDIT_USER = "audit-user"
AUDIT_SINCE = "audit-since"
AUDIT_MESSAGE = "audit-message"
AUDIT_GRID = "audit-grid"


def chart_part(part: str, chart: str) -> str:
    """A plain id for a piece of a chart card no callback listens to (tests find it by this)."""
    return f"{chart}-{part}"


def tile_value(chart: str) -> str:
    return chart_part("value", chart)


def chart_title(chart: str) -> str:
    return chart_part("title", chart)


# A chart card's table, drawn when its reader first opens "Show as table" (callbacks/chart_pages.py):
# pattern-matching ids, one pair per card, the chart's id as the key.
TABLE_OPEN = "chart-table-open"
TABLE_BODY = "chart-table"


def table_open(chart: object) -> dict:
    """The card's "Show as table" summary, whose clicks ask for the table (`chart` may be MATCH)."""
    return {"type": TABLE_OPEN, "chart": chart}


def table_body(chart: object) -> dict:
    """Where the card's table is drawn once asked for."""
    return {"type": TABLE_BODY, "chart": chart}

# The quarter's headlines (layouts/headlines.py)
HEADLINES_LIST = "headlines-list"
