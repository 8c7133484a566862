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
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

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

    # The raw header lines the fast path sends (all but Cache-Control, which is worked out per second).
    @cached_property
    def etag_bytes(self) -> bytes:
        return self.etag.encode()

    @cached_property
    def validators(self) -> list[tuple[bytes, bytes]]:
        return [(b"etag", self.etag_bytes), (b"vary", b"Accept-Encoding")]

    @cached_property
    def plain_headers(self) -> list[tuple[bytes, bytes]]:
        return [*self.validators, (b"content-type", self.media_type.encode()), (b"content-length", b"%d" % len(self.body))]

    @cached_property
    def gzip_headers(self) -> list[tuple[bytes, bytes]]:
        return [*self.validators, (b"content-encoding", b"gzip"), (b"content-type", self.media_type.encode()),
                (b"content-length", b"%d" % len(self.gzipped))]

    @classmethod
    def of(cls, body: bytes, status: int = 200, media_type: str = HTML) -> "Made":
        return cls(body, gzip.compress(body, 6, mtime=0), f'"{hashlib.sha256(body).hexdigest()[:20]}"', status, media_type)


def not_found(message: str) -> Made:
    context = frame("/404", "Page not found", message, breadcrumbs=[{"text": "Page not found"}])
    return Made.of(render("not_found.html", message=message, **context).encode(), 404)


def key_of(address: str) -> tuple[str, str, str]:
    """A page's key: its address, the data folder and the published set (one process may serve several in tests)."""
    return (address, *public.this_second("published set", lambda: (str(settings.data_dir()), public.published_key())))


def made(address: str, make: Callable[[], str | bytes | None], missing: str = "", media_type: str = HTML) -> Made:
    """The page at `address` for the public releases now, made the first time it is asked for (an
    address that names nothing gets the not-found page, kept once, not once per address)."""
    def build() -> Made | None:
        body = make()
        return None if body is None else Made.of(body if isinstance(body, bytes) else body.encode(), media_type=media_type)
    page = _pages.get(key_of(address), build)
    if page is None:
        page = _pages.get(("not found", missing, *key_of("")[1:]), lambda: not_found(missing or "There is no page at this address."))
    return page


def respond(request: Request, page: Made, extra: dict[str, str] | None = None) -> Response:
    """The page, gzipped when the reader accepts it, or 304 when their copy is current."""
    headers = {"ETag": page.etag, "Vary": "Accept-Encoding"} | public.cache_headers() | (extra or {})
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


class FastPath:
    """Pure ASGI middleware, first in the process's stack (app.py hands it to st.App, which runs it
    before Streamlit's own): a GET or HEAD of an edition page already made is answered here from
    memory, with no routing, no session middleware and no compressing per request. Anything else
    (a page not made yet, Streamlit, the API) goes on as before."""

    def __init__(self, app, prefixes: tuple[str, ...]):
        self.app, self.prefixes = app, prefixes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD") or not scope["path"].startswith(self.prefixes):
            return await self.app(scope, receive, send)
        page = _pages.peek(key_of(scope["path"]))
        if page is None:
            return await self.app(scope, receive, send)
        gzip_ok = not_modified = False
        for name, value in scope["headers"]:
            if name == b"accept-encoding":
                gzip_ok = b"gzip" in value
            elif name == b"if-none-match":
                not_modified = page.etag_bytes in value
        cache_control = (b"cache-control", public.cache_headers()["Cache-Control"].encode())
        if not_modified:
            start = {"type": "http.response.start", "status": 304, "headers": [*page.validators, cache_control]}
            body = b""
        else:
            start = {"type": "http.response.start", "status": page.status,
                     "headers": [*(page.gzip_headers if gzip_ok else page.plain_headers), cache_control]}
            body = page.gzipped if gzip_ok else page.body
        await send(start)
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})
