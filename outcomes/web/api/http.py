"""How every API answer goes out: JSON or CSV bytes with an ETag (a hash of the body, so a reader
who has it gets a 304), the public caching headers (never kept past the next publication), CORS
open to every origin (the data are public; no credentials are ever asked for) and the API version.

An answer's bytes are made once per published set and query (a bounded memo shared by the
process's threads): the same request gives the same bytes, hence the same ETag, until 09:30 on the
next release day changes the published set and so the key.
"""
from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import cached_property

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from outcomes import settings
from outcomes.errors import error_id
from outcomes.web import public
from outcomes.web.api.data import API_VERSION
from outcomes.web.api.params import ApiError

log = logging.getLogger("outcomes.api")
JSON = "application/json"
CSV = "text/csv; charset=utf-8"
HTML = "text/html; charset=utf-8"
METHODS = "GET, HEAD, OPTIONS"
CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "ETag, X-API-Version, Content-Disposition"}
PREFLIGHT = {**CORS, "Access-Control-Allow-Methods": METHODS, "Access-Control-Allow-Headers": "*",
             "Access-Control-Max-Age": "86400"}


@dataclass(frozen=True)
class Answer:
    """One answer's status, bytes and own headers (a CSV's file name), before the shared ones."""
    body: bytes
    media_type: str = JSON
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)

    @cached_property
    def etag(self) -> str:
        """Made once per answer (a provider-level table is megabytes to hash)."""
        return '"' + hashlib.sha256(self.body).hexdigest()[:32] + '"'


def to_json(value) -> bytes:
    """Compact, stable JSON (keys in the order made, no NaN: a blank is null)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


def json_answer(value: dict, status: int = 200) -> Answer:
    return Answer(to_json({"api_version": API_VERSION, **value}), JSON, status)


def error_answer(error: ApiError) -> Answer:
    return Answer(to_json(error.body()), JSON, error.status)


class Answers:
    """The answers made, by key: bounded by their bytes (a provider-level table is megabytes), least
    recently used dropped first. Each key is made once: the threads asking for it while it is made
    wait for that one (at 09:30 on release day many readers ask for the same new answer at once),
    while answers already kept, or other keys, are served meanwhile."""

    def __init__(self, max_bytes: int):
        self.max_bytes, self.held = max_bytes, 0
        self._lock = threading.Lock()
        self._kept: OrderedDict[tuple, Answer] = OrderedDict()
        self._making: dict[tuple, threading.Lock] = {}

    def _kept_answer(self, key: tuple) -> Answer | None:
        with self._lock:
            found = self._kept.get(key)
            if found is not None:
                self._kept.move_to_end(key)
            return found

    def get(self, key: tuple, make: Callable[[], Answer]) -> Answer:
        found = self._kept_answer(key)
        if found is not None:
            return found
        with self._lock:
            making = self._making.setdefault(key, threading.Lock())
        with making:
            found = self._kept_answer(key)
            if found is not None:
                return found
            try:
                answer = make()
            except BaseException:
                with self._lock:
                    self._making.pop(key, None)
                raise
            with self._lock:
                self._making.pop(key, None)
                if len(answer.body) <= self.max_bytes // 4:
                    self._kept[key] = answer
                    self.held += len(answer.body)
                while self.held > self.max_bytes and self._kept:
                    self.held -= len(self._kept.popitem(last=False)[1].body)
            return answer


MAX_KEPT_BYTES = 256 * 1024 * 1024
_answers = Answers(MAX_KEPT_BYTES)


def cached(key: tuple, make: Callable[[], Answer]) -> Answer:
    """make() once per data folder, published set and key; an ApiError is an answer too (kept the same way)."""
    def made() -> Answer:
        try:
            return make()
        except ApiError as e:
            return error_answer(e)
    return _answers.get((str(settings.data_dir()), public.published_key(), *key), made)


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    tags = [t.strip() for t in if_none_match.split(",")]
    return "*" in tags or any(t.removeprefix("W/") == etag for t in tags)


def respond(request: Request, answer: Answer) -> Response:
    """The answer with the shared headers; 304 (no body) when the reader already has these bytes."""
    headers = {**CORS, **public.cache_headers(), "X-API-Version": API_VERSION, "ETag": answer.etag,
               **answer.headers}
    if answer.status == 200 and _matches(request.headers.get("if-none-match"), answer.etag):
        return Response(status_code=304, headers={k: v for k, v in headers.items() if k != "Content-Disposition"})
    return Response(answer.body, status_code=answer.status, media_type=answer.media_type, headers=headers)


Handler = Callable[[Request], Answer]


def endpoint(make: Handler) -> Callable[[Request], Awaitable[Response]]:
    """A Starlette endpoint from a blocking `make(request) -> Answer`: OPTIONS answered (CORS
    preflight), other methods than GET and HEAD refused with a JSON 405, the work in a thread."""
    async def handle(request: Request) -> Response:
        if request.method == "OPTIONS":
            return Response(status_code=204, headers={**PREFLIGHT, "Allow": METHODS})
        if request.method not in ("GET", "HEAD"):
            answer = error_answer(ApiError(405, f"{request.method} is not allowed: the API is read-only ({METHODS})"))
            return Response(answer.body, 405, headers={**CORS, "Allow": METHODS, "X-API-Version": API_VERSION},
                            media_type=JSON)
        try:
            answer = await run_in_threadpool(make, request)
        except ApiError as e:
            answer = error_answer(e)
        except Exception:
            ident = error_id()
            log.exception("API %s failed [error %s]", request.url.path, ident)
            answer = error_answer(ApiError(500, f"Something went wrong on the server (error {ident}). Try again later."))
            return Response(answer.body, 500, media_type=JSON, headers={**CORS, "X-API-Version": API_VERSION,
                                                                        "Cache-Control": "no-store"})
        return respond(request, answer)
    handle.__name__ = getattr(make, "__name__", "handle")
    return handle
