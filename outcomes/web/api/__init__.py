"""The public API under /api/v1 (issue 22): the releases published now, each release's metadata
and its tidy tables as JSON or CSV, an OpenAPI 3.1 document and a page of documentation.

Version 1 never breaks: a field or parameter may be added, none is renamed, removed or changes
meaning. Every answer may be cached by a browser or CDN until the next scheduled publication
(outcomes.web.public.cache_headers), carries an ETag and is open to every origin (CORS).
"""
from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse
from starlette.routing import BaseRoute, Route

from outcomes.web.api import handlers
from outcomes.web.api.data import PREFIX
from outcomes.web import public
from outcomes.web.api.http import CORS, endpoint

EVERY_METHOD = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"]  # the others get a JSON 405

__all__ = ["PREFIX", "routes", "bare"]


def routes() -> list[BaseRoute]:
    """The routes under PREFIX; the last answers every other path with a JSON 404."""
    pages = [("/", handlers.docs_page), ("/docs", handlers.docs_page), ("/openapi.json", handlers.openapi_json),
             ("/releases", handlers.releases), ("/releases/{release_id}", handlers.release),
             ("/releases/{release_id}/data", handlers.release_data),
             ("/releases/{release_id}/metadata", handlers.release_metadata), ("/{path:path}", handlers.not_found)]
    return [Route(path, endpoint(make), methods=EVERY_METHOD) for path, make in pages]


async def _to_docs(request) -> RedirectResponse:
    return RedirectResponse(f"{PREFIX}/docs", status_code=307, headers={**CORS, **await run_in_threadpool(public.cache_headers)})


def bare() -> Route:
    """PREFIX itself, without its slash (a Mount matches only the paths under it): to the docs."""
    return Route(PREFIX, _to_docs, methods=["GET", "HEAD"])
