"""The one shape of a selection, `Query`, and its one parser.

A selection (a measure, the area, the last quarter, the window, the areas compared with, and for
the data API a series' first quarter, a breakdown, a statistic and a format) arrives three ways:
a URL's query string (the data API, a chart's download link, a page's address), a page's
FILTER_STATE (`{scope, quarter, window, compare}`, from the filter bar or board mode) and a
chart's plan. All become a `Query` through `parse_args`, which checks every part against what
is allowed (known scopes and quarters, the windows, breakdowns, statistics and formats there
are) and says what is allowed when a part is not; `from_state` turns a FILTER_STATE into the
same arguments first, so a page never asks for what the data API would refuse. The constants of
a selection live here, once: layouts, callbacks and the server import them. Imports metrics
only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from urllib.parse import quote, urlencode

from metrics.selection import STATS, WINDOWS, Selection
from metrics.published import base_code, is_published, published_code, published_name
from metrics.quarters import Quarter, quarter_range
from metrics.registry import MEASURES, Measure
from metrics.scope import Geography, Scope

ENGLAND = "england"
ENGLAND_PUBLISHED = published_code(ENGLAND)
# The windows in the board's words, as the filter bar offers them, and the one it starts with.
WINDOW_LABELS = {1: "Quarter", 4: "Rolling year", 12: "Three years"}
DEFAULT_WINDOW = 4
TREND_QUARTERS = 8  # a chart's trend: the selected quarter and the seven before it
# A chart draws the scope, its region, England and at most this many more areas: the
# palette has six colours. The data API, which draws nothing, takes up to MAX_COMPARE.
MAX_PEERS = 3
MAX_COMPARE = 10
PARAMETERS = ("scope", "quarter", "from", "window", "by", "stat", "compare", "format")
MAX_LENGTH = 100  # characters in one parameter (compare: MAX_COMPARE_LENGTH)
MAX_COMPARE_LENGTH = 400
MAX_SERIES = 40  # quarters in one series
MAX_ROW_SETS = 200  # scopes x quarters in one request, so that one request cannot hog a worker
# Quarters outside these hold no returns and some have no calendar dates (year 0).
EARLIEST, LATEST = Quarter(2000, 1), Quarter(2098, 4)
SCOPE_HELP = "an LA's 3-digit code, an RAA or VAA code, 'region:<Region name>' or 'england'"


@dataclass(frozen=True)
class Query:
    """A checked selection: `measure` ("" for a page's selection, which is every chart's) for
    `scope` and the areas it is compared with (codes; `<scope>-published` for published
    figures), over the quarters from `first` (None: the one quarter) to `quarter`."""

    measure: str
    scope: str
    quarter: Quarter
    window: int = 1
    compare: tuple[str, ...] = ()
    first: Quarter | None = None
    breakdown: str | None = None
    stat: str = "mean"
    format: str = "json"

    @property
    def quarters(self) -> tuple[Quarter, ...]:
        return tuple(quarter_range(self.first, self.quarter)) if self.first else (self.quarter,)

    @property
    def scopes(self) -> tuple[str, ...]:
        """The scope, then the areas it is compared with: the frame's scopes, in its order."""
        return (self.scope, *self.compare)

    @property
    def selection(self) -> Selection:
        """What the measure engine computes for one scope and quarter (this query's last)."""
        return Selection(self.measure, self.scope, self.quarter, window=self.window,
                         breakdown=self.breakdown, stat=self.stat)

    def of(self, measure: str, **changes: object) -> Query:
        """The same selection for another measure (and any other changes)."""
        return replace(self, measure=measure, **changes)

    def trend(self) -> Query:
        """The selection over the trend's quarters."""
        return replace(self, first=self.quarter + (1 - TREND_QUARTERS))

    @property
    def params(self) -> dict[str, str]:
        """The query string that asks the data API for exactly these rows."""
        params = {"scope": self.scope, "quarter": str(self.quarter)}
        if self.first and self.first != self.quarter:
            params["from"] = str(self.first)
        params["window"] = str(self.window)
        if self.breakdown:
            params["by"] = self.breakdown
        if self.stat != "mean":
            params["stat"] = self.stat
        if self.compare:
            params["compare"] = ",".join(self.compare)
        if self.format != "json":
            params["format"] = self.format
        return params

    def url(self, path: str) -> str:
        return f"{path}?" + urlencode(self.params, quote_via=quote)

    @property
    def state(self) -> dict:
        """The page's FILTER_STATE for this selection."""
        return {"scope": self.scope, "quarter": str(self.quarter), "window": self.window,
                "compare": list(self.compare)}


# ---------------------------------------------------------------- checking a query string


def _shown(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "...")


def single_values(args: Mapping[str, str], allowed: tuple[str, ...] = PARAMETERS) -> dict[str, str]:
    """Each known parameter once, length-limited, stripped; anything else is refused. `args`
    is a MultiDict (a request's) or a plain mapping."""
    values: dict[str, str] = {}
    for name in args:
        if name not in allowed:
            raise ValueError(f"unknown parameter {_shown(name)}; allowed: {', '.join(allowed)}")
        given = args.getlist(name) if hasattr(args, "getlist") else [args[name]]
        if len(given) > 1:
            raise ValueError(f"give {name} once, not {len(given)} times")
        limit = MAX_COMPARE_LENGTH if name == "compare" else MAX_LENGTH
        if len(given[0]) > limit:
            raise ValueError(f"{name} is too long (at most {limit} characters)")
        values[name] = given[0].strip()
    return values


def required(values: Mapping[str, str], name: str, help: str) -> str:
    if not values.get(name):
        raise ValueError(f"{name} is required: {help}")
    return values[name]


def known_measure(measure_id: str) -> Measure:
    if measure_id not in MEASURES:
        raise ValueError(f"unknown measure {_shown(measure_id)}; GET /api/v1/measures lists them")
    return MEASURES[measure_id]


def choice(name: str, text: str, allowed: tuple[str, ...]) -> str:
    if text not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}, not {_shown(text)}")
    return text


def quarter_value(name: str, text: str) -> Quarter:
    try:
        quarter = Quarter.parse(text)
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from None
    if not EARLIEST <= quarter <= LATEST:
        raise ValueError(f"{name} must be between {EARLIEST} and {LATEST}")
    return quarter


def first_quarter(first_text: str, last: Quarter) -> Quarter | None:
    if not first_text:
        return None
    first = quarter_value("from", first_text)
    if first > last:
        raise ValueError(f"from ({first}) must not be after quarter ({last})")
    if last.index - first.index + 1 > MAX_SERIES:
        raise ValueError(f"a series covers at most {MAX_SERIES} quarters; from {first} to "
                         f"{last} is {last.index - first.index + 1}")
    return first


def compared_scope(item: str, scope: Scope, geography: Geography) -> Scope:
    """`region` (the scope's own region), `england`, an agency code or `region:<name>`."""
    if item.lower() != "region":
        try:
            return geography.scope(item)
        except ValueError as exc:
            raise ValueError(f"compare: {exc}") from None
    region = geography.region_of(scope)
    if region is None:
        raise ValueError("compare=region needs a scope inside a region; England has none")
    return region


def compared_code(item: str, scope: Scope, geography: Geography) -> str:
    """A compare entry's code: a scope's, or `<scope>-published` for its published figures
    (`england-published`, `region-published`, `region:<name>-published`, `<LA code>-published`)."""
    if not is_published(item):
        return compared_scope(item, scope, geography).code
    return published_code(compared_scope(base_code(item), scope, geography).code)


def compared_scopes(text: str, scope: Scope, geography: Geography) -> tuple[str, ...]:
    """The codes compared with, in order, each once and never the scope's own."""
    items = [item.strip() for item in text.split(",") if item.strip()]
    if len(items) > MAX_COMPARE:
        raise ValueError(f"compare takes at most {MAX_COMPARE} scopes, not {len(items)}")
    codes = [scope.code]
    for item in items:
        code = compared_code(item, scope, geography)
        if code not in codes:
            codes.append(code)
    return tuple(codes[1:])


def parse_args(measure_id: str, args: Mapping[str, str], geography: Geography,
               formats: tuple[str, ...] = ("json",)) -> Query:
    """The query string as a Query for `measure_id`; ValueError with a message for the caller
    (a person or a script) otherwise. `formats` are those the asking address renders."""
    values = single_values(args)
    measure = known_measure(measure_id)
    scope = geography.scope(required(values, "scope", SCOPE_HELP))
    quarter = quarter_value("quarter", required(values, "quarter", "a quarter like '2024-25 Q3'"))
    window = choice("window", values.get("window") or "1", tuple(map(str, WINDOWS)))
    query = Query(
        measure.id, scope.code, quarter, window=int(window),
        compare=compared_scopes(values.get("compare", ""), scope, geography),
        first=first_quarter(values.get("from", ""), quarter),
        breakdown=values.get("by") or None,
        stat=choice("stat", values.get("stat") or "mean", STATS),
        format=choice("format", values.get("format") or formats[0], formats),
    )
    query.selection.check()  # the breakdown must be one this measure has
    if len(query.quarters) * len(query.scopes) > MAX_ROW_SETS:
        raise ValueError(f"{len(query.scopes)} scopes over {len(query.quarters)} quarters is too "
                         f"much for one request (at most {MAX_ROW_SETS} scope-quarters); ask in parts")
    return query


def state_args(state: object) -> dict[str, str]:
    """A page's FILTER_STATE as the query string it stands for; ValueError when it is not one."""
    if not isinstance(state, dict):
        raise ValueError("no selection yet")
    params: dict[str, str] = {}
    for name in ("scope", "quarter", "window"):
        value = state.get(name)
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise ValueError(f"the selection's {name} is missing; choose it again above")
        params[name] = str(value)
    compare = state.get("compare") or []
    if not isinstance(compare, list) or not all(isinstance(c, str) for c in compare):
        raise ValueError("the selection's compare-with list is not a list of areas")
    if compare:
        params["compare"] = ",".join(compare)
    return params


def from_state(measure_id: str, state: object, geography: Geography) -> Query:
    """A page's FILTER_STATE (`{scope, quarter, window, compare}`) checked by `parse_args`:
    a page asks for nothing the data API would refuse (an unknown scope, a quarter out of
    range, a made-up window). ValueError with a message for the user otherwise."""
    return parse_args(measure_id, state_args(state), geography)


def describe(geography: Geography, state: dict) -> str:
    """The selection in words, for board mode's caption and the downloads' header block:
    `Area: Adopt London South · Quarter: 2025-26 Q1 · Period: Rolling year · Compared with: …`."""
    parts = [f"Area: {geography.scope(state['scope']).name}", f"Quarter: {state['quarter']}",
             f"Period: {WINDOW_LABELS[int(state['window'])]}"]
    if state.get("compare"):
        parts.append("Compared with: " + ", ".join(
            published_name(geography.scope(base_code(c)).name) if is_published(c)
            else geography.scope(c).name for c in state["compare"]))
    return " · ".join(parts)

