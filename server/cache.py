"""The answer cache: what a page's callback answered, kept for the next caller who asks the
same question (flask-caching). Imports flask, flask_caching, config and server only.

The key is everything that changes the answer: the question (the page and its selection),
what the caller may see (role, granted agencies, public mode), the disclosure thresholds, the
data version (every current return, board note and published figure;
`MeasureSource.data_version`) and the code itself. Loading a return or published figures, or
pinning or removing a note, anywhere changes the data version, so the next request asks under
a new key and no older answer is read again (they age out after CACHE_SECONDS). With REDIS_URL set the cache is
Redis, shared by every worker and every instance behind a load balancer; without it each
worker keeps its own in memory. A cache that cannot be reached is a miss, never an error: the
answer is worked out as if there were no cache.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import astuple
from typing import TypeVar

from flask import Flask
from flask_caching import Cache

from server.auth import caller_of
from server.services import Services
from config import PROJECT_ROOT

EXTENSION = "asg_answers"
MEMORY_ENTRIES = 300  # per worker without Redis: a page of cards is some 100 kB
T = TypeVar("T")
log = logging.getLogger(__name__)


def code_version() -> str:
    """A hash of the code that draws the answers: a new release never reads an old one's
    answers from a shared Redis."""
    digest = hashlib.sha256()
    for package in ("callbacks", "server", "charts", "layouts", "metrics", "db"):
        for path in sorted((PROJECT_ROOT / package).rglob("*.py")):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def cache_config(services: Services) -> dict:
    settings = services.settings
    common = {"CACHE_DEFAULT_TIMEOUT": settings.cache_seconds, "CACHE_KEY_PREFIX": "asg:"}
    if settings.redis_url:
        return {**common, "CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": settings.redis_url}
    return {**common, "CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": MEMORY_ENTRIES}


class Answers:
    """`remember(question, work)`: the answer kept for this caller's view of this question at
    this data version, else `work()`, kept."""

    def __init__(self, server: Flask, services: Services):
        self._services = services
        self._cache = Cache(server, config=cache_config(services))
        self._code = code_version()
        self._failing = False

    def key(self, question: object) -> str:
        caller = caller_of(self._services)
        parts = [question, caller.role, sorted(caller.agencies), caller.public,
                 astuple(self._services.policy), self._services.measures.data_version(), self._code]
        text = json.dumps(parts, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()

    def remember(self, question: object, work: Callable[[], T]) -> T:
        key = self.key(question)
        found = self._call(self._cache.get, key)
        if found is not None:
            return found
        answer = work()
        self._call(self._cache.set, key, answer)
        return answer

    def _call(self, method, *args):
        """The cache's answer, or None (and a warning, once) when it cannot be reached."""
        try:
            found = method(*args)
        except Exception as exc:  # a cache outage must not take the dashboard down
            if not self._failing:
                log.warning("The answer cache is not answering (%s); working without it", exc)
            self._failing = True
            return None
        self._failing = False
        return found


def answers(server: Flask, services: Services) -> Answers:
    """The server's answer cache, made on first use."""
    if EXTENSION not in server.extensions:
        server.extensions[EXTENSION] = Answers(server, services)
    return server.extensions[EXTENSION]
