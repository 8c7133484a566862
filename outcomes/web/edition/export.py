"""`python -m outcomes edition --out DIR`: the whole HTML edition for the releases public now, as
static files (DIR/areas/E08000035/index.html, DIR/sitemap.xml, the stylesheet), for a static host
or a CDN that serves files, and to check every page makes before release day. Each page is made by
the same function that answers its address on the site, so the files are the site's bytes."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from outcomes.atomic import write_bytes
from outcomes.web.edition import pages
from outcomes.web.edition.site import css


def page_maker(address: str) -> Callable[[], str | None] | None:
    """The function that makes the page at `address` (None: not an edition page)."""
    fixed = {"/browse": pages.browse, "/areas": pages.areas, "/releases": pages.releases,
             "/guidance/methodology": pages.methodology}
    if address in fixed:
        return fixed[address]
    kind, _, name = address.strip("/").partition("/")
    makers = {"areas": pages.area, "releases": pages.release, "types": pages.provider_type, "schools": pages.school}
    return (lambda: makers[kind](name)) if kind in makers and name else None


def write(out: Path, addresses: Iterable[str], sitemap: bytes,
          progress: Callable[[list[str]], Iterable[str]] = lambda items: items) -> tuple[int, list[str]]:
    """Every page at `addresses` under `out`, as index.html in its address's folder; returns how
    many were written and the addresses that made no page (a fault to report, never skipped quietly)."""
    written, failed = 0, []
    for address in progress([a for a in addresses if page_maker(a) is not None]):
        html = page_maker(address)()
        if html is None:
            failed.append(address)
            continue
        write_bytes(out / address.strip("/") / "index.html", html.encode())
        written += 1
    body, css_address = css()
    write_bytes(out / css_address.strip("/"), body)
    write_bytes(out / "sitemap.xml", sitemap)
    return written, failed
