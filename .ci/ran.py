"""Read pytest's JUnit report and say how many PostgreSQL, Redis and browser tests ran.

Exit status 1 when none of either kind passed, or when any of them was skipped: under CI they
must run. Used by .ci/run.
"""

import sys
import xml.etree.ElementTree as ET


def outcome(case: ET.Element) -> str:
    for kind in ("failure", "error", "skipped"):
        if case.find(kind) is not None:
            return kind
    return "passed"


def _needs(case: ET.Element, service: str) -> bool:
    """Whether the test asked for the service (a fixture records property service=NAME)."""
    return any(p.get("name") == "service" and p.get("value") == service
               for p in case.iter("property"))


def main(report: str) -> int:
    cases = list(ET.parse(report).getroot().iter("testcase"))
    groups = {
        "PostgreSQL": [c for c in cases if "[postgresql" in c.get("name", "")],
        "Redis": [c for c in cases if _needs(c, "redis")],
        "browser": [c for c in cases if c.get("classname", "").startswith("tests.browser")],
    }
    status = 0
    for label, group in groups.items():
        counts: dict[str, int] = {}
        for case in group:
            counts[outcome(case)] = counts.get(outcome(case), 0) + 1
        shown = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items())) or "none"
        print(f"CI: {label} tests: {shown}")
        if label == "browser":
            for case in group:
                print(f"CI:   {case.get('classname')}::{case.get('name')} {outcome(case)}")
        if not counts.get("passed") or set(counts) != {"passed"}:
            status = 1
    print(f"CI: {len(cases)} tests in all")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
