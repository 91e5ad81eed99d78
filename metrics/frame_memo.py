"""Answers kept by the frame they were worked out from.

A chart's title, caption, numbers, figure and file each read the same frame, and several of
them work out the same thing from it (a funnel's points, a projection, the matching gap): a
function wrapped in `per_frame` answers again from its last few answers when given the same
frame object (not an equal one: frames are not hashed, and an identical object is what the
callers hand on) and the same other arguments. The frames are kept with their answers, so an
id is never reused while it is remembered. Callers must treat frames and answers as read-only,
as the charts do. Thread-safe. Pure: imports the standard library only.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

Answer = TypeVar("Answer")


def per_frame(size: int = 8) -> Callable[[Callable[..., Answer]], Callable[..., Answer]]:
    """Keep the wrapped function's last `size` answers by (the frame itself, its other
    positional arguments)."""

    def wrap(work: Callable[..., Answer]) -> Callable[..., Answer]:
        kept: deque[tuple[Any, tuple, Answer]] = deque(maxlen=size)
        lock = threading.Lock()

        @wraps(work)
        def answer(frame: Any, *args: Any) -> Answer:
            with lock:
                for seen, seen_args, found in kept:
                    if seen is frame and seen_args == args:
                        return found
            found = work(frame, *args)
            with lock:
                kept.append((frame, args, found))
            return found

        answer.forget = kept.clear  # type: ignore[attr-defined]  (for tests)
        return answer

    return wrap
