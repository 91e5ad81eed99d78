"""Handlers of the shared filter bar: its values -> the checked selection, the choices, the URL.

`resolve_filters` is a plain function of the geography, the quarters with returns and the
controls' values, so tests call it directly. The selection it settles on goes to the URL (a
copied link reopens the view) and to FILTER_STATE, which every chart on the page listens to.
Defaults: England (or, for an analyst or viewer with agencies granted, their own agency when the
address names no area), the newest quarter with returns, a rolling year. Imports dash, charts, metrics,
layouts and server only.
"""

from __future__ import annotations

from typing import NamedTuple
from urllib.parse import quote, urlencode

from dash import Dash, Input, Output, State, ctx

from server.auth import caller_of
from server.services import Services
from charts.query import DEFAULT_WINDOW, ENGLAND, MAX_LENGTH, MAX_PEERS, WINDOW_LABELS
from layouts import ids
from layouts.filters import agency_options, quarter_options, region_options
from metrics.access import Caller
from metrics.published import base_code, is_published, published_code, published_name
from metrics.quarters import Quarter
from metrics.scope import REGION_PREFIX, Geography, agency_tree


class FilterView(NamedTuple):
    region_options: list[dict]
    region: str
    agency_options: list[dict]
    agency: str | None
    quarter_options: list[dict]
    quarter: str | None
    window: str
    compare_options: list[dict]
    compare: list[str]
    search: str
    state: dict | None  # {scope, quarter, window, compare}; None when nothing can be shown
    message: str


def _text(value: object) -> str:
    return str(value or "").strip()[:MAX_LENGTH]


def _agency(geography: Geography, code: str):
    """The agency's Scope, or None for "" or an unknown code."""
    if not code or code.lower() == ENGLAND or code.lower().startswith(REGION_PREFIX):
        return None
    try:
        return geography.scope(code)
    except ValueError:
        return None


def compare_options(geography: Geography) -> list[dict]:
    """England, the regions and every agency (worked out once: the answer never changes)."""
    def make() -> list[dict]:
        regions = [{"label": f"{r} (region)", "value": f"{REGION_PREFIX}{r}"} for r in geography.regions]
        published = [{"label": published_name("England"), "value": published_code(ENGLAND)},
                     *({"label": published_name(f"{r} (region)"),
                        "value": published_code(f"{REGION_PREFIX}{r}")} for r in geography.regions)]
        return [{"label": "England", "value": ENGLAND}, *published[:1], *regions, *published[1:],
                *agency_options(agency_tree(geography))]
    return geography.derived("compare_options", make)


def resolve_filters(geography: Geography, quarters: list[str], region: object, agency: object,
                    quarter: object, window: object, compare: object,
                    changed: str | None = None) -> FilterView:
    """The bar's settled values. `changed` is the control the user changed (None on load):
    a new region drops an agency outside it; an agency brings its own region along."""
    messages = []  # what was asked for that does not exist: no figures until it is chosen again
    region_text = _text(region) or ENGLAND
    if region_text != ENGLAND and region_text not in geography.regions:
        messages.append(f"There is no region called {region_text!r}.")
        region_text = ENGLAND
    chosen = _agency(geography, _text(agency))
    if _text(agency) and chosen is None:
        messages.append(f"There is no agency with the code {_text(agency)!r}.")
    if chosen is not None and changed == ids.FILTER_REGION and region_text not in (ENGLAND, chosen.region):
        chosen = None
    elif chosen is not None:
        region_text = chosen.region or ENGLAND
    if chosen is not None:
        scope = chosen.code
    elif region_text == ENGLAND:
        scope = ENGLAND
    else:
        scope = f"{REGION_PREFIX}{region_text}"

    quarter_text = _text(quarter)
    known = list(quarters)
    try:
        quarter_text = str(Quarter.parse(quarter_text)) if quarter_text else ""
    except ValueError as exc:
        messages.append(f"{exc}.")
        quarter_text = ""
    if quarter_text and quarter_text not in known:
        messages.append(f"No returns are loaded for {quarter_text}.")
        quarter_text = ""
    if not quarter_text and known:
        quarter_text = known[0]
    window_text = _text(window) if _text(window) in {str(w) for w in WINDOW_LABELS} else str(DEFAULT_WINDOW)

    peers: list[str] = []
    for item in (compare or [])[:MAX_PEERS] if isinstance(compare, list) else []:
        text = _text(item)
        try:
            code = geography.scope(base_code(text)).code
        except ValueError:
            continue
        if is_published(text):
            code = published_code(code)
        if code != scope and code not in peers:
            peers.append(code)

    state = None
    search = ""
    if messages:
        messages.append("Choose an area and a quarter above to see the figures.")
    elif quarter_text:
        state = {"scope": scope, "quarter": quarter_text, "window": int(window_text),
                 "compare": peers}
        params = {"scope": scope, "quarter": quarter_text, "window": window_text}
        if peers:
            params["compare"] = ",".join(peers)
        search = "?" + urlencode(params, quote_via=quote)
    elif not quarter_text:
        messages.append("No returns are loaded yet, so there is nothing to show.")
    region_names = geography.regions
    tree_region = None if region_text == ENGLAND else region_text
    options = geography.derived(("agency_options", tree_region),
                                lambda: agency_options(agency_tree(geography, tree_region)))
    return FilterView(
        region_options(region_names), region_text,
        options, chosen.code if chosen is not None else None,
        quarter_options(known), quarter_text or None, window_text,
        compare_options(geography), peers, search, state, " ".join(messages),
    )


def landing_agency(caller: Caller, geography: Geography, asked_scope: object,
                   changed: str | None) -> str | None:
    """The agency a page opens on instead of England: the caller's own (`Caller.home_agency`,
    if the registry knows it) when the page has just opened (`changed` None) and its address
    names no area; the address's own `scope=` always wins."""
    if changed is not None or _text(asked_scope):
        return None
    home = _agency(geography, caller.home_agency() or "")
    return home.code if home is not None else None


def register(app: Dash, services: Services) -> None:
    def update(region, agency, quarter, window, compare, asked_scope) -> FilterView:
        changed, geography = ctx.triggered_id, services.measures.geography()
        home = landing_agency(caller_of(services), geography, asked_scope, changed)
        return resolve_filters(geography, services.store.quarters(), region, home or agency,
                               quarter, window, compare, changed)

    app.callback(
        Output(ids.FILTER_REGION, "options"),
        Output(ids.FILTER_REGION, "value"),
        Output(ids.FILTER_AGENCY, "options"),
        Output(ids.FILTER_AGENCY, "value"),
        Output(ids.FILTER_QUARTER, "options"),
        Output(ids.FILTER_QUARTER, "value"),
        Output(ids.FILTER_WINDOW, "value"),
        Output(ids.FILTER_COMPARE, "options"),
        Output(ids.FILTER_COMPARE, "value"),
        Output(ids.FILTER_URL, "search"),
        Output(ids.FILTER_STATE, "data"),
        Output(ids.FILTER_MESSAGE, "children"),
        Input(ids.FILTER_REGION, "value"),
        Input(ids.FILTER_AGENCY, "value"),
        Input(ids.FILTER_QUARTER, "value"),
        Input(ids.FILTER_WINDOW, "value"),
        Input(ids.FILTER_COMPARE, "value"),
        State(ids.FILTER_ASKED_SCOPE, "data"),
    )(update)
