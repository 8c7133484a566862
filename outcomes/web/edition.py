"""The HTML edition's routes (being built: issue 22)."""
from __future__ import annotations

from starlette.responses import PlainTextResponse
from starlette.routing import BaseRoute, Route


async def robots(request):
    return PlainTextResponse("User-agent: *\nAllow: /\n")


def routes() -> list[BaseRoute]:
    return [Route("/robots.txt", robots)]
