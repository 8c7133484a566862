"""Charts and maps as SVG, drawn on the server from the very Vega-Lite spec the Streamlit page
draws (vl-convert), so a page reads with JavaScript off. A map's spec names its boundary file by
URL (/app/static/geo/...): the file's GeoJSON goes into the spec so nothing is fetched."""
from __future__ import annotations

import hashlib
import json
import re
import threading
from pathlib import Path

import vl_convert as vlc
from markupsafe import Markup

from outcomes.results.charts import Chart

STATIC_PREFIX = "/app/static/"
_lock = threading.Lock()  # one conversion at a time: the converter's engine is shared by the process
_geo: dict[str, dict] = {}


def _inline_data(node, static_root: Path):
    """The spec with every `data.url` under /app/static/ replaced by the file's contents."""
    if isinstance(node, dict):
        out = {k: _inline_data(v, static_root) for k, v in node.items()}
        url = out.get("url")
        if isinstance(url, str) and url.startswith(STATIC_PREFIX) and "values" not in out:
            if url not in _geo:
                _geo[url] = json.loads((static_root / url[len(STATIC_PREFIX):]).read_text(encoding="utf-8"))
            out = {k: v for k, v in out.items() if k != "url"} | {"values": _geo[url]}
        return out
    if isinstance(node, list):
        return [_inline_data(v, static_root) for v in node]
    return node


# The site's specs fill their container ("width": "container"), which a server has not got: the
# edition's column is 960 px wide, and the SVG scales down with it (max-width in edition.scss).
WIDTH = 640


def _own_ids(svg: str, spec: str) -> str:
    """The SVG with its ids (gradients, clip paths) named from its spec, not from the converter's
    count of what it drew before: the same chart is the same bytes in every process (so one ETag
    serves them all), and two charts on a page never share an id."""
    prefix = "v" + hashlib.sha256(spec.encode()).hexdigest()[:10]
    ids = {old: f"{prefix}-{i}" for i, old in enumerate(dict.fromkeys(re.findall(r'\bid="([^"]+)"', svg)))}
    if not ids:
        return svg
    pattern = re.compile(r'(\bid="|url\(#|href="#)(' + "|".join(re.escape(k) for k in ids) + r')(?=[")])')
    return pattern.sub(lambda m: m.group(1) + ids[m.group(2)], svg)


def chart_svg(figure: Chart, static_root: Path, label: str = "") -> Markup:
    """The chart as an inline SVG image whose accessible name is its description."""
    with _lock:  # also guards the boundary files read once into _geo
        spec = _inline_data(figure.spec, static_root)
        if spec.get("width") == "container":
            spec["width"] = WIDTH
        svg = vlc.vegalite_to_svg(spec)
    svg = _own_ids(re.sub(r"^<\?xml[^>]*>\s*", "", svg), json.dumps(figure.spec, sort_keys=True, default=str))
    name = (label or figure.description).replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{name}" focusable="false" ', 1)
    return Markup(svg)
