"""The Headlines page (`/headlines`): the quarter's story for the area chosen, in short
sentences written from the data (charts/headlines.py), each a link to the chart that shows it.

The layout is a function of the query string, like the chart pages'; callbacks/headlines.py
fills the list from FILTER_STATE. Better or worse is said in words beside a sentence, never by
colour alone. Imports dash, charts and layouts only.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from dash import dcc, html

from charts.headlines import Headline
from layouts import ids
from layouts.filters import filter_bar, filter_values

PATH = "/headlines"
TITLE = "Headlines"
LEAD = ("What a board should notice this quarter, a sentence each: figures above their "
        "thresholds, changes on a year before bigger than chance, agencies outside the range "
        "expected from their numbers, and returns missing.")
NOTHING = ("No figure is above its threshold, none changed on a year before by more than "
           "chance, no agency is outside the range expected from its numbers, and every return "
           "is in.")  # only when every figure could be judged
# A projected screen at 1280x720 holds six two-line sentences at 24 px; the rest are said to be
# on the page, never cut off at the screen's edge.
BOARD_MOST = 6
BOARD_MANY = 4  # more than this: the smaller board size (24 px, not 26)
VERDICT_WORDS = {"better": "Better", "worse": "Worse"}


def chart_link(path: str, card: str, state: dict) -> str:
    """The chart's page for the same selection, scrolled to its card."""
    params = {"scope": state["scope"], "quarter": state["quarter"], "window": str(state["window"])}
    if state.get("compare"):
        params["compare"] = ",".join(state["compare"])
    return f"{path}?{urlencode(params, quote_via=quote)}#{card}"


def headline_list(headlines: list[tuple[Headline, str]], board: bool = False) -> html.Ul | html.P | html.Div:
    """Each headline with its link (the address of the chart that shows it) and, for a change
    with a better direction, the word saying which way it went. On a board's screen at most
    BOARD_MOST, and how many more the page has."""
    if not headlines:
        return html.P(NOTHING, className="headlines__nothing")
    if board and len(headlines) > BOARD_MOST:
        rest = len(headlines) - BOARD_MOST
        return html.Div([
            headline_list(headlines[:BOARD_MOST], board=True),
            html.P(f"{rest} more on the Headlines page, out of board mode.",
                   className="headlines__more"),
        ])
    many = " headlines--many" if board and len(headlines) > BOARD_MANY else ""
    return html.Ul([
        html.Li([
            *([html.Span(VERDICT_WORDS[h.verdict], className=f"headlines__verdict headlines__verdict--{h.verdict}")]
              if h.verdict in VERDICT_WORDS else []),
            html.A(h.text, href=href, className="headlines__text"),
        ], className=f"headlines__item headlines__item--{h.kind}")
        for h, href in headlines
    ], className="headlines" + many)


def layout(scope: object = None, quarter: object = None, window: object = None,
           compare: object = None, **_other_params: object) -> html.Div:
    """The page for the query string; parameters it does not know are ignored."""
    return html.Div([
        html.H1(TITLE),
        html.P(LEAD, className="lead"),
        filter_bar(filter_values(scope, quarter, window, compare), scope),
        dcc.Loading(html.Div(id=ids.HEADLINES_LIST, **{"aria-live": "polite"}), type="default",
                    delay_show=300),
    ], className="headlines-page")
