"""metrics.frame_memo: an answer is kept by the frame object and the other arguments, never
handed to an equal frame that is another object, and the oldest is dropped."""

from __future__ import annotations

import pandas as pd

from metrics.frame_memo import per_frame


def test_answers_are_kept_by_the_frame_itself_and_the_other_arguments() -> None:
    calls: list[tuple[int, str]] = []

    @per_frame(size=2)
    def total(frame: pd.DataFrame, column: str) -> float:
        calls.append((id(frame), column))
        return float(frame[column].sum())

    one = pd.DataFrame({"a": [1, 2], "b": [10, 20]})
    equal = one.copy()
    assert total(one, "a") == 3 and total(one, "a") == 3 and len(calls) == 1
    assert total(one, "b") == 30 and len(calls) == 2  # another argument: worked out
    assert total(equal, "a") == 3 and len(calls) == 3  # an equal frame, another object
    assert total(one, "a") == 3 and len(calls) == 4  # the oldest of two was dropped
