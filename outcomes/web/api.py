"""The API's routes under /api/v1 (being built: issue 22)."""
from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from outcomes.web import public


def _releases() -> list[dict]:
    return [{"id": r.id, "title": r.title} for r in public.store().releases]


async def releases(request):
    return JSONResponse({"releases": await run_in_threadpool(_releases)})


def routes() -> list[BaseRoute]:
    return [Route("/releases", releases)]
