"""Serving the HTML edition: each page made once per published set and kept as bytes (and gzipped
bytes) with its ETag, so a reader costs a dictionary lookup, not a render; caching headers that never
keep a page past the next scheduled publication (outcomes.web.public.max_age); 304 for a cache that
already holds the page.

Everything here reads the public releases only (outcomes.web.public): no preview token is read, so
none reaches a page, and nothing embargoed is in any of them."""
from __future__ import annotations

import gzip
import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from outcomes import settings
from outcomes.errors import error_id
from outcomes.render.edition.templating import render
from outcomes.web import public
from outcomes.web.edition.site import frame

HTML = "text/html; charset=utf-8"
_pages = public.Memo(4000)   # (address, published set) -> Made; a school page is ~15 kB, so at most ~120 MB


@dataclass(frozen=True)
class Made:
    """A page as it is served: its bytes, gzipped once, and its validator."""
    body: bytes
    gzipped: bytes
    etag: str
    status: int = 200
    media_type: str = HTML

    @classmethod
    def of(cls, body: bytes, status: int = 200, media_type: str = HTML) -> "Made":
        return cls(body, gzip.compress(body, 6, mtime=0), f'"{hashlib.sha256(body).hexdigest()[:20]}"', status, media_type)


_headers: dict[int, dict[str, str]] = {}


def cache_headers() -> dict[str, str]:
    """Cache-Control for now, worked out at most once a second (every response carries it)."""
    second = int(time.time())
    found = _headers.get(second)
    if found is None:
        found = public.cache_headers()
        _headers.clear()
        _headers[second] = found
    return found


def not_found(message: str) -> Made:
    context = frame("/404", "Page not found", message, breadcrumbs=[{"text": "Page not found"}])
    return Made.of(render("not_found.html", message=message, **context).encode(), 404)


def key_of(address: str) -> tuple[str, str, str]:
    """A page's key: its address, the data folder and the published set (one process may serve several in tests)."""
    return address, str(settings.data_dir()), public.published_key()


def made(address: str, make: Callable[[], str | bytes | None], missing: str = "", media_type: str = HTML) -> Made:
    """The page at `address` for the public releases now, made the first time it is asked for."""
    def build() -> Made:
        body = make()
        if body is None:
            return not_found(missing or "There is no page at this address.")
        return Made.of(body if isinstance(body, bytes) else body.encode(), media_type=media_type)
    return _pages.get(key_of(address), build)


def respond(request: Request, page: Made, extra: dict[str, str] | None = None) -> Response:
    """The page, gzipped when the reader accepts it, or 304 when their copy is current."""
    headers = {"ETag": page.etag, "Vary": "Accept-Encoding"} | cache_headers() | (extra or {})
    if page.status == 200 and page.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        return Response(page.gzipped, page.status, headers | {"Content-Encoding": "gzip"}, media_type=page.media_type)
    return Response(page.body, page.status, headers, media_type=page.media_type)


async def serve(request: Request, address: str, make: Callable[[], str | bytes | None], missing: str = "",
                media_type: str = HTML) -> Response:
    """Answer with the page at `address`: from memory when made, else made on a worker thread."""
    try:
        page = _pages.peek(key_of(address)) or await run_in_threadpool(made, address, make, missing, media_type)
    except Exception:
        ident = error_id()
        logging.getLogger("outcomes.edition").exception("edition page %s failed [error %s]", address, ident)
        return Response(f"This page could not be made (error {ident}). Try again in a minute; the interactive site "
                        f"is at /overview.", 500, media_type="text/plain; charset=utf-8")
    return respond(request, page)
