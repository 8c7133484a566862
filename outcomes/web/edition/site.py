"""What every page of the HTML edition shares: the frame's context (title, description, canonical
address, Open Graph, navigation, the link to the interactive view), release captions, and figures
and tables made from page results (SVG on the server, GOV.UK tables)."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlencode

import pandas as pd
from markupsafe import Markup

from outcomes import settings
from outcomes.domain.releases import Release
from outcomes.domain.wording import FOOTER
from outcomes.render.edition import svg, tables
from outcomes.results.charts import Chart
from outcomes.results.map_view import HIGHLIGHT
from outcomes.results.release import caption_parts
from outcomes.web import public

SITE_NAME = "Ofsted inspection outcomes in England"
CSS_FILE = settings.SERVED_STATIC / "edition" / "edition.css"  # built by `make css`
NAVIGATION = (("/browse", "Headline figures"), ("/areas", "Local authorities"), ("/releases", "Releases"),
              ("/guidance/methodology", "Methodology"), ("/api/v1/docs", "API"))


@dataclass(frozen=True)
class Page:
    """One rendered page of the edition: what its address answers."""
    html: bytes
    status: int = 200


@cache
def css() -> tuple[bytes, str]:
    """The stylesheet and its address, which names its hash (so it may be cached for a year)."""
    body = CSS_FILE.read_bytes() if CSS_FILE.exists() else b""
    return body, f"/assets/edition-{hashlib.sha256(body).hexdigest()[:12]}.css"


def interactive(page: str, **query) -> str:
    """The address of the same view on the interactive (Streamlit) site."""
    return f"/{page}" + (f"?{urlencode({k: v for k, v in query.items() if v is not None})}" if query else "")


def frame(path: str, title: str, description: str, interactive_url: str = "/overview",
          interactive_label: str = "Open the interactive version of this page", breadcrumbs: list | None = None) -> dict:
    """The context base.html needs for a page at `path`."""
    return {"site_name": SITE_NAME, "title": title, "description": " ".join(description.replace("**", "").split())[:300],
            "canonical": settings.site_url() + path, "css_url": css()[1], "footer": FOOTER,
            "interactive_url": interactive_url, "interactive_label": interactive_label,
            "banner": Markup('Plain pages that work without JavaScript. <a class="govuk-link" href="{}">{}</a>.').format(
                interactive_url, interactive_label),
            "breadcrumbs": [{"text": "Home", "href": "/browse"}] + (breadcrumbs or []),
            "navigation": [{"href": href, "text": text, "active": path == href or path.startswith(href + "/")}
                           for href, text in NAVIGATION], "links": {}}


def release_caption(release: Release) -> str:
    """A figure's release caption (Markdown), linking to the edition's release page."""
    return " · ".join([f"[About this release](/releases/{release.id})", *caption_parts(release)])


def figure(chart: Chart | None, highlight: str = "") -> dict | None:
    """A chart as an SVG with its description (a map's outline placeholder filled with `highlight`)."""
    if chart is None:
        return None
    spec = chart.spec
    if HIGHLIGHT in json.dumps(spec):
        spec = json.loads(json.dumps(spec).replace(HIGHLIGHT, highlight))
    # Boundary files are published where Streamlit serves /app/static/ from (outcomes.web.public.boundary_urls).
    return {"svg": svg.chart_svg(Chart(spec, chart.description), settings.SERVED_STATIC), "description": chart.description}


def map_figure(shown, highlight: str = "") -> dict | None:
    """A map result as an SVG (None: no map, or its boundary file has gone: the table still shows)."""
    try:
        return figure(shown.chart, highlight) if shown is not None else None
    except FileNotFoundError:
        return None


def table(frame_: pd.DataFrame | None, caption: str, index: bool = False) -> dict | None:
    """A frame already for people as a GOV.UK table (None when there is nothing to show)."""
    if frame_ is None or frame_.empty:
        return None
    return tables.table(frame_, caption, index=index)


def tidy(name: str, caption: str, *args) -> dict | None:
    """A tidy table result (export_frames, trend_frames) laid out as the Streamlit page lays it out."""
    shown, _ = public.result(name, *args)
    return None if shown.empty else tables.tidy_table(shown, caption)


def api_csv(release: Release, level: str, subtype: str | None = None, area: str | None = None) -> str:
    """The API's address of a table's CSV: the same rows as 'Download this table' on the site."""
    query = {"geographic_level": level, "area": area, "subtype": subtype, "format": "csv"}
    return f"/api/v1/releases/{release.id}/data?" + urlencode({k: v for k, v in query.items() if v is not None})


def downloads(release: Release, level: str, subtype: str | None = None, area: str | None = None) -> list[tuple[str, str]]:
    # Without a subtype the API gives every subtype beside the Total rows the table shows.
    label = "Download this table (CSV, from the API)" if subtype else "Download this table with every subtype (CSV, from the API)"
    return [(label, api_csv(release, level, subtype, area)),
            ("The whole release (tidy CSVs, metadata, data guidance)", f"/releases/{release.id}#files")]
