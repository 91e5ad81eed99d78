"""A regional board meeting, for locust: each user signs in, opens the Overview, then changes
agency and quarter and downloads a chart's CSV as a board member does, reading each chart for a
few seconds in between.

Run by bench/loadtest.py (`make loadtest`), which serves the app and writes the plan this file
reads (LOADTEST_PLAN: the bench user's name and password, the region's agencies, the quarters
to choose from, and the request bodies of the filter bar's callback, the Overview's cards
callback, taken from the app's own /_dash-dependencies, and the address of a chart's CSV). Locust
runs in its own environment (requirements-loadtest.txt), so this file uses only the standard
library and locust.
"""

from __future__ import annotations

import copy
import json
import os
import random
from pathlib import Path

from locust import HttpUser, between, task

PLAN = json.loads(Path(os.environ["LOADTEST_PLAN"]).read_text(encoding="utf-8"))
UPDATE = "/_dash-update-component"


def filled(template: dict, values: dict) -> dict:
    """A callback's request body with each input's and state's value set from `values`
    (`id.property` -> value)."""
    body = copy.deepcopy(template)
    for item in body["inputs"] + body.get("state", []):
        key = f"{item['id']}.{item['property']}" if isinstance(item["id"], str) else None
        if key in values:
            item["value"] = values[key]
    return body


class BoardMember(HttpUser):
    wait_time = between(2, 6)  # reading the chart before the next click

    def on_start(self) -> None:
        self.client.post("/sign-in", data={"name": PLAN["user"], "password": PLAN["password"]},
                         allow_redirects=False, name="sign in")
        self.region, self.agency, self.quarter = PLAN["region"], None, PLAN["quarters"][0]
        self.state = None
        self.open_overview()

    def settle(self, name: str, changed: str) -> None:
        """The filter bar's callback, then the Overview's cards for the selection it settled."""
        values = {f"{PLAN['ids']['region']}.value": self.region,
                  f"{PLAN['ids']['agency']}.value": self.agency,
                  f"{PLAN['ids']['quarter']}.value": self.quarter,
                  f"{PLAN['ids']['window']}.value": "4", f"{PLAN['ids']['compare']}.value": []}
        body = filled(PLAN["bar"], values)
        body["changedPropIds"] = [f"{changed}.value"]
        with self.client.post(UPDATE, json=body, name=f"{name}: filter bar", catch_response=True) as answer:
            if answer.status_code != 200:
                answer.failure(f"filter bar answered {answer.status_code}")
                return
            self.state = answer.json()["response"][PLAN["ids"]["state"]]["data"]
        cards = filled(PLAN["cards"], {f"{PLAN['ids']['state']}.data": self.state})
        with self.client.post(UPDATE, json=cards, name=f"{name}: cards", catch_response=True) as answer:
            if answer.status_code != 200 or "chart-card" not in answer.text:
                answer.failure(f"the Overview's cards answered {answer.status_code} without cards")

    @task(1)
    def open_overview(self) -> None:
        self.client.get("/", name="open the overview: page")
        self.client.get("/_dash-layout", name="open the overview: layout")
        self.client.get("/_dash-dependencies", name="open the overview: callbacks")
        self.settle("open the overview", PLAN["ids"]["region"])

    @task(3)
    def change_agency(self) -> None:
        self.agency = random.choice(PLAN["agencies"])
        self.settle("change agency", PLAN["ids"]["agency"])

    @task(2)
    def change_quarter(self) -> None:
        self.quarter = random.choice(PLAN["quarters"])
        self.settle("change quarter", PLAN["ids"]["quarter"])

    @task(1)
    def download(self) -> None:
        if self.state is None:
            return
        params = {"scope": self.state["scope"], "quarter": self.state["quarter"],
                  "window": self.state["window"], "format": "csv"}
        with self.client.get(PLAN["download"], params=params, name="download a chart's CSV",
                             catch_response=True) as answer:
            if answer.status_code != 200 or "attachment" not in answer.headers.get("Content-Disposition", ""):
                answer.failure(f"the download answered {answer.status_code} without a file")
