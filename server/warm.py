"""Warm a process's caches before it serves anyone; `register` leaves the Services on the Flask
server for gunicorn.conf.py to find.

gunicorn's master loads the app once (`preload_app` in gunicorn.conf.py) and calls
`warm_up`: it reads the rows of every quarter with returns, newest first, and works out every
chart page's rows for England at each quarter, and with them each measure's national tally
per quarter, which any region's or agency's figures are then cut from. The workers are forked
afterwards and start with all of it, so no first visit pays for reading ten quarters. A
return loaded later changes its quarter's data version, and each worker re-reads just that
quarter on its next request (db/measure_data.py). Imports dash, flask, charts and server only.
"""

from __future__ import annotations

import time

from dash import Dash
from flask import Flask

from charts import pack_charts
from charts.frames import frame_of
from charts.view import chart_query
from server.auth import caller_of
from server.services import Services

EXTENSION = "asg_dashboard"  # where `register` leaves the Services on the Flask server


def register(app: Dash, services: Services) -> None:
    app.server.extensions[EXTENSION] = services  # for gunicorn.conf.py's warm-up


def services_of(server: Flask) -> Services:
    return server.extensions[EXTENSION]


def warm_up(services: Services, window: int = 4) -> dict[str, float]:
    """Work out every chart page's rows for England at every quarter with returns (newest
    first), then close the database connections so that forked workers open their own.
    Returns what it did: quarters, charts and seconds taken.

    A funnel at England is every LA's and agency's figure at its quarter, so that after it any
    area's funnel, and any agency's headlines, find their figures worked out. That costs the
    master 9 MB more than funnels at the newest four quarters only (the demo, 30 quarters),
    and each worker less: each worked the same figures out for itself, the first time a
    quarter's funnels were asked for. A projection's national flows add about 1 MB."""
    started = time.perf_counter()
    quarters = services.store.quarters()
    source, caller = services.measures, caller_of(services)
    every = [chart for _page, chart in pack_charts()]
    done_charts = 0
    for quarter in quarters:
        state = {"scope": "england", "quarter": quarter, "window": window, "compare": []}
        done_charts += len(every)
        for chart in every:
            frame_of(chart.plan(chart_query(chart, state, source), source), source, caller,
                     services.policy)
    services.measures.forget_rows()  # the workers would each copy them, for nothing
    # A connection must never be shared by two processes: the workers start with none.
    services.store.close_connections()
    done = {"quarters": len(quarters), "charts": done_charts,
            "seconds": round(time.perf_counter() - started, 1)}
    return done
