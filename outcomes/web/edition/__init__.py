"""The HTML edition: every public page of the site as plain, server-rendered HTML (GOV.UK Frontend
styles, charts and maps as SVG, every figure in a table) that reads with JavaScript off, for search
engines, screen readers, link previews and caches. Its addresses never clash with Streamlit's
(outcomes.web.routes); each page links to its interactive view, and each view links back."""
from __future__ import annotations

from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from outcomes import settings
from outcomes.domain.fields import TYPES
from outcomes.web import public
from outcomes.web.edition import pages
from outcomes.web.edition.responses import FastPath, Made, respond, serve
from outcomes.web.edition.site import css

# The edition's addresses, for the nginx location and the Kubernetes Ingress (deploy/) as well.
PREFIXES = ("/browse", "/areas", "/releases", "/types", "/guidance", "/schools", "/assets", "/sitemap.xml", "/robots.txt")


def middleware() -> list[Middleware]:
    """What app.py puts in front of Streamlit: edition pages already made, served from memory."""
    return [Middleware(FastPath, prefixes=PREFIXES)]


async def browse(request: Request) -> Response:
    return await serve(request, "/browse", pages.browse)


async def areas(request: Request) -> Response:
    return await serve(request, "/areas", pages.areas)


async def area(request: Request) -> Response:
    code = request.path_params["code"].upper()
    if code != request.path_params["code"]:
        return RedirectResponse(f"/areas/{code}", 301)
    return await serve(request, f"/areas/{code}", lambda: pages.area(code),
                       f"No local authority has the code {code[:12]!r}. Find it in the list of every local authority.")


async def releases(request: Request) -> Response:
    return await serve(request, "/releases", pages.releases)


async def release(request: Request) -> Response:
    rid = request.path_params["release_id"]
    return await serve(request, f"/releases/{rid}", lambda: pages.release(rid),
                       "No published release has this address. The release calendar lists every one, and what is announced.")


async def provider_type(request: Request) -> Response:
    ptype = request.path_params["provider_type"]
    return await serve(request, f"/types/{ptype}", lambda: pages.provider_type(ptype),
                       "There is no such provider type. The headline figures page lists every one.")


async def methodology(request: Request) -> Response:
    return await serve(request, "/guidance/methodology", pages.methodology)


async def school(request: Request) -> Response:
    urn = request.path_params["urn"]
    return await serve(request, f"/schools/{urn}", lambda: pages.school(urn),
                       "No state-funded school has this URN. Each local authority's page lists its schools.")


def addresses() -> list[str]:
    """Every page of the edition for the public releases now (the sitemap)."""
    store = public.store()
    lookup = store.la_lookup()
    fixed = ["/browse", "/areas", "/releases", "/guidance/methodology", "/api/v1/docs"]
    types = [f"/types/{t}" for t in TYPES if store.latest(t) is not None]
    return (fixed + types + [f"/areas/{c}" for c in lookup["new_la_code"]] + [f"/releases/{r.id}" for r in store.releases]
            + [f"/schools/{u}" for u in pages.schools_of(store)["urn"]])


def sitemap_xml() -> bytes:
    base = settings.site_url()
    urls = "".join(f"<url><loc>{base}{a}</loc></url>" for a in addresses())
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{urls}</urlset>\n").encode()


async def sitemap(request: Request) -> Response:
    return await serve(request, "/sitemap.xml", sitemap_xml, media_type="application/xml")


async def robots(request: Request) -> Response:
    body = (f"User-agent: *\nAllow: /\nDisallow: /_stcore/\nDisallow: /api/\n"
            f"Sitemap: {settings.site_url()}/sitemap.xml\n")
    return PlainTextResponse(body, headers={"Cache-Control": "public, max-age=3600"})


_css: list[Made] = []


async def stylesheet(request: Request) -> Response:
    body, address = css()
    if request.url.path != address:
        return RedirectResponse(address, 302)  # an older build's address: the current one
    if not _css:
        _css.append(Made.of(body, media_type="text/css; charset=utf-8"))
    return respond(request, _css[0], {"Cache-Control": "public, max-age=31536000, immutable"})


def routes() -> list[BaseRoute]:
    return [Route("/browse", browse), Route("/areas", areas), Route("/areas/{code}", area),
            Route("/releases", releases), Route("/releases/{release_id}", release),
            Route("/types/{provider_type}", provider_type), Route("/guidance/methodology", methodology),
            Route("/schools/{urn}", school), Route("/sitemap.xml", sitemap), Route("/robots.txt", robots),
            Route("/assets/{name:path}", stylesheet)]
