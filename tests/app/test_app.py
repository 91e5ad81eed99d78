"""The app factory, /health, self-hosted assets and the "Returns loaded" page without a browser."""

from __future__ import annotations

import re

import plotly.graph_objects as go
import pytest
from dash import Dash, dcc
from plotly.offline import get_plotlyjs_version
from sqlalchemy.orm import sessionmaker

from app import create_app
from callbacks.chart_pages import page_cards
from charts import PAGE_OF, PAGES
from callbacks.returns import show_returns
from config import PROJECT_ROOT, Settings
from db.engine import engine_for
from db.queries import Store
from layouts import ids
from layouts import returns as returns_page
from tests.accounts import signed_in_client
from tests.db.test_queries import load_annex_a

UNREACHABLE = "postgresql+psycopg2://asg:asg@127.0.0.1:1/none"


@pytest.fixture
def store(sqlite_url, samples) -> Store:
    sessions = sessionmaker(engine_for(sqlite_url), expire_on_commit=False)
    load_annex_a(sessions, samples)
    return Store(sessions)


@pytest.fixture
def app(sqlite_url) -> Dash:
    return create_app(Settings(database_url=sqlite_url, secret_key="test"))


def test_health_ok(app) -> None:
    response = app.server.test_client().get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_health_503_when_database_unreachable() -> None:
    app = create_app(Settings(database_url=UNREACHABLE, secret_key="test"))
    response = app.server.test_client().get("/health")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "unreachable"}
    assert "127.0.0.1" not in response.get_data(as_text=True)


def test_index_serves_everything_locally(app) -> None:
    client = signed_in_client(app)
    index = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in index
    links = re.findall(r'(?:src|href)="([^"]+)"', index)
    assert links and all(link.startswith("/") for link in links), links
    css = [link.split("?")[0] for link in links if link.endswith(".css") or ".css?" in link]
    # The theme first, so ours win: style.css and the style-<part>.css of a page or mode.
    assert css[0] == "/assets/bootstrap.min.css" and "/assets/style.css" in css
    assert all(c.startswith("/assets/style") for c in css[1:]), css
    for link in links:
        assert client.get(link).status_code == 200, link
    assert app.config.serve_locally


def test_the_served_plotly_bundle_is_the_version_plotly_draws_images_with(app) -> None:
    """assets/plotly-basic.min.js (plotly.js's own partial bundle: scatter and bar, a quarter
    of the full one's size) draws the charts in the browser; kaleido draws the images with the
    plotly.js that the plotly package ships. Upgrading plotly means replacing the bundle too."""
    index = signed_in_client(app).get("/").get_data(as_text=True)
    assert re.search(r'src="/assets/plotly-basic\.min\.js\?m=\d+', index)
    bundle = (PROJECT_ROOT / "assets" / "plotly-basic.min.js").read_text(encoding="utf-8")[:200]
    assert re.search(r"plotly\.js \(basic - minified\) v(\S+)", bundle)[1] == get_plotlyjs_version()


def test_shell_has_landmarks_and_skip_link(app) -> None:
    layout = app.layout() if callable(app.layout) else app.layout
    found = {c.id: c for c in layout._traverse() if getattr(c, "id", None)}
    assert found[ids.SKIP_LINK].href == f"#{ids.MAIN}"
    assert type(found[ids.MAIN]).__name__ == "Main"
    assert type(found[ids.FOOTER]).__name__ == "Footer"
    assert "ASG Dashboard" in str(found[ids.HEADER])


def test_page_layout_follows_the_query_string() -> None:
    page = returns_page.layout(quarter="2009-10 Q2")
    select = next(c for c in page._traverse() if getattr(c, "id", None) == ids.RETURNS_QUARTER)
    assert select.value == "2009-10 Q2"
    assert {"label": "2009-10 Q2", "value": "2009-10 Q2"} in select.options
    page = returns_page.layout()
    assert page.children[1].children == "Returns loaded"
    select = next(c for c in page._traverse() if getattr(c, "id", None) == ids.RETURNS_QUARTER)
    assert select.value == "all"
    assert returns_page.layout(quarter=["2009-10 Q2", "x"]).children  # repeated parameter
    long = returns_page.layout(quarter="Q" * 1000)
    select = next(c for c in long._traverse() if getattr(c, "id", None) == ids.RETURNS_QUARTER)
    assert len(select.value) == returns_page.MAX_PARAM_LENGTH


def test_show_returns_every_quarter(store) -> None:
    view = show_returns(store, None)
    assert [row["agency_code"] for row in view.rows] == ["330"]
    row = view.rows[0]
    assert row["quarter"] == "2009-10 Q2" and row["version"] == 1 and row["loaded_by"] == "test"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", row["loaded_at"])
    assert set(row) == {"return_id"} | {field for field, _, _ in returns_page.COLUMNS}
    assert view.count == "1 return loaded."
    assert view.options == [{"label": "All quarters", "value": "all"},
                            {"label": "2009-10 Q2", "value": "2009-10 Q2"}]
    assert (view.message, view.search) == ("", "")
    assert show_returns(store, "all") == view == show_returns(store, "")


def test_show_returns_one_quarter_keeps_it_in_the_url(store) -> None:
    view = show_returns(store, "2009-10 Q2")
    assert len(view.rows) == 1
    assert view.count == "1 return loaded for 2009-10 Q2."
    assert view.search == "?quarter=2009-10%20Q2"


def test_show_returns_quarter_with_nothing_loaded(store) -> None:
    view = show_returns(store, "2030-31 Q1")
    assert view.rows == [] and view.count == "0 returns loaded for 2030-31 Q1."
    assert view.message == "No returns are loaded for 2030-31 Q1."
    assert {"label": "2030-31 Q1", "value": "2030-31 Q1"} in view.options  # stays selected


def test_show_returns_rejects_a_value_that_is_not_a_quarter(store) -> None:
    view = show_returns(store, "<script>alert(1)</script>")
    assert view.rows == [] and view.count == ""
    assert "is not a quarter" in view.message
    for hostile in ("x" * 100_000, ["2009-10 Q2"], 42):  # what a crafted request could send
        view = show_returns(store, hostile)
        assert view.rows == [] and len(view.message) < 200


def test_callbacks_are_registered_on_the_app_only(app) -> None:
    import dash._callback as dash_callback

    outputs = " ".join(app.callback_map)
    assert f"{ids.RETURNS_GRID}.rowData" in outputs
    assert not dash_callback.GLOBAL_CALLBACK_LIST  # no module-level @dash.callback


def test_unknown_setting_value_names_the_setting(monkeypatch) -> None:
    monkeypatch.setenv("PORT", "eighty")
    with pytest.raises(ValueError, match="PORT"):
        create_app()


@pytest.mark.parametrize("present", [False, True], ids=["normal", "board"])
def test_every_chart_is_a_valid_figure_of_traces_the_basic_bundle_draws(demo_services, present) -> None:
    """The cards' figures are plain dicts, unchecked as they are built: go.Figure checks each
    against plotly's schema here (it raises on a property plotly does not know)."""
    state = {"scope": "region:London", "quarter": demo_services.store.quarters()[0], "window": 4,
             "compare": [], **({"present": True} if present else {})}
    figures = [go.Figure(part.figure)
               for slug in PAGE_OF for column in page_cards(demo_services, slug, state)
               for part in column._traverse() if isinstance(part, dcc.Graph)]
    # On the board, each page's board charts only (charts.spec.Page.board).
    assert len(figures) == sum(len(page.board_charts if present else page.charts) for page in PAGES)
    kinds = {trace.type for figure in figures for trace in figure.data}
    assert kinds and kinds <= {"scatter", "bar", "pie"}, kinds
