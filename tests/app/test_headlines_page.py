"""The Headlines page on the demo returns, without a browser: every sentence tells a figure its
chart shows (the number read back from the sentence equals the chart's shown value) and links
to that chart's card for the same selection; the page lists them, or says nothing changed; the
callback posted by hand as a viewer tells no hidden figure; the board pack carries them."""

from __future__ import annotations

import re

import pytest
from dash import html

from app import create_app
from callbacks.chart_pages import chart_view
from callbacks.headlines import headlines_for, headlines_view
from charts import CHARTS, PAGE_OF
from config import Settings
from layouts import ids
from layouts.headlines import NOTHING
from metrics.funnel import funnel_points
from server.services import Services
from tests.accounts import signed_in_client
from tests.app.test_callback_fuzz import OWN, request_for
from tests.chart_page_helpers import ALS

OVERVIEW = [chart.id for chart, _width in PAGE_OF["overview"].charts]
FAIR = [chart.id for chart, _width in PAGE_OF["fair_comparison"].charts]
STATES = [{**ALS, "compare": []}, {**ALS, "scope": "england", "compare": []},
          {**ALS, "scope": "region:London", "compare": []}, {**ALS, "scope": "841", "compare": []}]
# "… rose for the second quarter running, to 1,234 days, from 1,100 days last quarter …"
CHANGE = re.compile(r" to ([\d,.%]+)(?: days)?, from ([\d,.%]+)(?: days)? (a year ago|last quarter)")
ABOVE = re.compile(r" is above the [\w-]+ threshold: ([\d,.]+) days")
# "… is outside the range expected from its numbers: 310 days (England 195 days)"
ITS = re.compile(r" is outside the range expected from its numbers: ([\d,.%]+)(?: days)?(?: \(England ([\d,.%]+))?")
# "3 of 19 LAs in South East are outside … for placement order to match: Kent (worse), …"
THEIRS = re.compile(r"^(\d+) of (\d+) (?:LAs?|agency|agencies) in .+ outside the range expected .+: (.+)$")


@pytest.mark.parametrize("state", STATES, ids=[s["scope"] for s in STATES])
def test_each_headline_is_a_figure_its_chart_shows(demo_services: Services, state: dict) -> None:
    found = headlines_for(demo_services, state)
    for headline, link in found:
        assert headline.chart in OVERVIEW + FAIR
        page = "/fair-comparison" if headline.chart in FAIR else "/"
        assert link.startswith(f"{page}?scope={state['scope'].replace(':', '%3A')}&quarter=")
        assert link.endswith(f"#{ids.chart_part('card', headline.chart)}")
        frame = chart_view(demo_services, CHARTS[headline.chart], state).frame
        at = frame[frame["scope"] == state["scope"]].set_index("quarter")["shown"]
        if headline.kind == "change":
            now, before, when = CHANGE.search(headline.text).groups()
            assert now == at[state["quarter"]]
            quarters = list(at.index)
            back = 4 if when == "a year ago" else 1
            assert before == at[quarters[quarters.index(state["quarter"]) - back]]
        elif headline.kind == "threshold":
            assert ABOVE.search(headline.text).group(1) == at[state["quarter"]]
        elif headline.kind == "outlier":  # the funnel's figures, and its outliers named
            shown = chart_view(demo_services, CHARTS[headline.chart], state)
            points, _hidden = funnel_points(shown.frame, shown.chart.measure)
            outside = points[points["outside"] > 0]
            if (its := ITS.search(headline.text)) is not None:
                assert its.group(1) == at[state["quarter"]]
                assert its.group(2) in (None, frame.set_index("scope").at["england", "shown"])
                assert state["scope"] in set(outside["scope"])
            else:
                out, of, names = THEIRS.match(headline.text).groups()
                assert (int(out), int(of)) == (len(outside), len(points))
                assert names.split(" (")[0] in set(outside["scope_name"])
                assert headline.verdict in ("", "worse", "better")
        elif headline.kind == "unjudged":  # named because their figures are not usable
            assert headline.text.startswith("Not judged, as hidden or from incomplete returns: ")
        else:
            assert headline.kind == "returns" and "returns" in headline.text
    # On the demo slice (three quarters, so every rolling year at its last quarter counts a
    # quarter before the slice and is not judged), Darlington's children waiting fell twice.
    if state["scope"] == "841":
        assert [h.text for h, _link in found][0] == (
            "Children waiting in Darlington fell for the second quarter running, to 0, from 6 "
            "last quarter (England about the same)")
        # Its rolling years count a quarter before the slice: named as not judged.
        assert [h.kind for h, _link in found][1:] == ["unjudged"]


def test_the_page_lists_the_headlines_or_says_nothing_changed(demo_services: Services) -> None:
    found = headlines_for(demo_services, STATES[3])
    [shown] = headlines_view(demo_services, STATES[3])
    assert isinstance(shown, html.Ul) and len(shown.children) == len(found) == 2
    item = shown.children[0]
    verdict, text = item.children  # fewer children waiting: better, said in words
    assert verdict.children == "Better" and text.children == found[0][0].text
    assert text.href == found[0][1]
    # England: nothing changed, but its rolling years are incomplete: said, never "all well".
    # Its agencies outside their funnels' limits are told first.
    england = headlines_for(demo_services, STATES[1])
    kinds = [h.kind for h, _l in england]
    assert kinds[-1:] == ["unjudged"] and set(kinds[:-1]) == {"outlier"} and len(kinds) > 1
    assert NOTHING not in str(headlines_view(demo_services, STATES[1]))
    assert headlines_view(demo_services, None) == []
    [wrong] = headlines_view(demo_services, {**ALS, "quarter": "1900-01 Q1"})
    assert "must be between" in str(wrong.children)


def test_a_viewers_headlines_tell_no_hidden_figure(demo_settings: Settings) -> None:
    app = create_app(demo_settings)
    client = signed_in_client(app, "vera", "viewer")
    for state in STATES:
        body = request_for(app, ids.HEADLINES_LIST, {f"{ids.FILTER_STATE}.data": state})
        answer = client.post("/_dash-update-component", json=body, headers={"Origin": OWN})
        assert answer.status_code == 200
        text = answer.get_data(as_text=True)
        assert "[c]" not in text and "[x]" not in text
