"""The API's documentation page: plain HTML (no script) in GOV.UK Frontend's classes, with the
edition's stylesheet. The parameter table is written from the same definitions the handlers check
(outcomes.web.api.params); the examples use a release published now."""
from __future__ import annotations

import re
from html import escape

from markupsafe import Markup

from outcomes.domain.fields import SYMBOLS
from outcomes.domain.releases import Release
from outcomes.render.edition.templating import render
from outcomes.web.api.data import PREFIX
from outcomes.web.api.params import DATA_PARAMS, PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, Param
from outcomes.web.edition.site import frame, interactive

ENDPOINTS = [
    ("/releases", "Every release published now: id, title, provider type, as-at date, publication time, version, "
                  "status, the data sets it offers (geographic levels, subtypes, scopes) and links."),
    ("/releases/{id}", "One release's metadata: its definition and revisions, and its tables (each data set at each "
                       "level): their areas, time periods and columns as the field registry describes them, with the "
                       "lines of the export's metadata file (.meta.csv)."),
    ("/releases/{id}/data", "The release's tidy table for one query, as JSON (the default) or CSV (format=csv)."),
    ("/releases/{id}/metadata", "The metadata file of the same query's table (format=csv: the .meta.csv the export "
                                "writes beside the data), with the same parameters."),
    ("/openapi.json", "The OpenAPI 3.1 description of every endpoint, parameter, answer and error."),
    ("/docs", "This page (also at /api/v1/)."),
]


def _code(text: str) -> str:
    return f"<code>{escape(text)}</code>"


def _pre(text: str) -> str:
    return f'<pre class="govuk-body" tabindex="0" style="overflow-x:auto"><code>{escape(text)}</code></pre>'


def _table(caption: str, head: list[str], rows: list[list[str]]) -> str:
    """A GOV.UK table; cells are HTML already escaped by the caller."""
    th = "".join(f'<th scope="col" class="govuk-table__header">{h}</th>' for h in head)
    body = "".join("<tr class=\"govuk-table__row\">" + "".join(f'<td class="govuk-table__cell">{c}</td>' for c in r) + "</tr>"
                   for r in rows)
    # In the wrapper the edition's table macro puts every table in (_macros.html): a wide table
    # scrolls in its own box on a phone instead of widening the page.
    return (f'<div class="edition-table-wrap" role="region" aria-label="{escape(caption)}" tabindex="0">'
            f'<table class="govuk-table"><caption class="govuk-table__caption govuk-table__caption--m">{escape(caption)}'
            f'</caption><thead class="govuk-table__head"><tr class="govuk-table__row">{th}</tr></thead>'
            f'<tbody class="govuk-table__body">{body}</tbody></table></div>')


def _param_row(p: Param) -> list[str]:
    values = ", ".join(_code(v) for v in p.enum) if p.enum else f"e.g. {_code(p.example)}" if p.example else ""
    described = re.sub(r"`([^`]+)`", r"<code>\1</code>", escape(p.description))  # `name` in a description is code
    return [_code(p.name), described, values, _code(p.default) if p.default else "none"]


def _examples(base: str, release: Release | None) -> str:
    rid = release.id if release else "RELEASE_ID"
    url = f"{base}{PREFIX}/releases/{rid}/data"
    what = f"the release {_code(rid)} ({escape(release.title)})" if release else "a release"
    return (f'<h2 class="govuk-heading-m" id="examples">Examples</h2>'
            f'<p class="govuk-body">These use {what}, published now.</p>'
            f'<h3 class="govuk-heading-s">With curl</h3>'
            + _pre(f"curl -s {base}{PREFIX}/releases\n"
                   f"curl -s '{url}?geographic_level=local_authority&area=E08000035'\n"
                   f"curl -s -o leeds.csv '{url}?geographic_level=local_authority&area=E08000035&format=csv'\n"
                   f"curl -s -i -H 'If-None-Match: \"<the ETag you were given>\"' {base}{PREFIX}/releases   # 304 if unchanged")
            + '<h3 class="govuk-heading-s">With pandas</h3>'
            + _pre("import pandas as pd\n\n"
                   f'las = pd.read_csv("{url}?geographic_level=local_authority&format=csv")\n'
                   "# JSON, with the columns' labels and units beside the rows:\n"
                   "import json\nfrom urllib.request import urlopen\n"
                   f'got = json.load(urlopen("{url}?geographic_level=regional"))\n'
                   'rows = pd.DataFrame(got["rows"])\n'
                   "# Every page of a long table (or read the CSV, which is the whole table):\n"
                   f'page = json.load(urlopen("{url}?geographic_level=provider"))\n'
                   'pages = [page["rows"]]\n'
                   'while page["paging"]["next"]:\n'
                   f'    page = json.load(urlopen("{base}" + page["paging"]["next"]))\n'
                   '    pages.append(page["rows"])\n'
                   'providers = pd.DataFrame([row for rows in pages for row in rows])'))


def _sections(base: str) -> str:
    symbols = "".join(f"<li>{_code(k)}: {escape(v)}</li>" for k, v in SYMBOLS.items())
    endpoints = _table("Endpoints", ["Path (GET)", "What it answers"],
                       [[_code(PREFIX + p), escape(d)] for p, d in ENDPOINTS])
    params = _table(f"Parameters of {PREFIX}/releases/{{id}}/data", ["Parameter", "Meaning", "Values", "Default"],
                    [_param_row(p) for p in DATA_PARAMS])
    return f"""
<p class="govuk-body-l">The published releases of Ofsted inspection outcomes in England and their tidy tables, as JSON
or CSV: the same figures as the site's pages, downloads and the <code>python -m outcomes export</code> command.</p>
<h2 class="govuk-heading-m">What it serves</h2>
<p class="govuk-body">Every release the public may see now, and nothing before its publication time (09:30 on release
day). Each table follows the Explore Education Statistics open data standard: time and geography columns, then
filters with Total rows, then indicators. A release's metadata describes every column.</p>
{endpoints}
{params}
<p class="govuk-body">Any other parameter is refused. Releases, levels, subtypes, areas and time periods must be ones the
release offers: {_code(PREFIX + "/releases/{id}")} lists them.</p>
<h2 class="govuk-heading-m">Answers</h2>
<p class="govuk-body">JSON ({_code("application/json")}): {_code('{"api_version": "1", "release": {...}, "query": {...}, '
'"columns": [...], "metadata": [...], "count": n, "rows": [{"column": value, ...}], "paging": {...}}')}. Rows come
in pages of {PAGE_SIZE_DEFAULT:,} ({_code("page_size")} up to {PAGE_SIZE_MAX:,}): {_code("paging")} gives the page,
{_code("total_pages")}, {_code("total_rows")} and the {_code("next")} and {_code("previous")} pages' addresses (null
at either end). The CSV is always the whole table. Indicators are numbers, or a symbol where a figure is withheld:</p>
<ul class="govuk-list govuk-list--bullet">{symbols}</ul>
<p class="govuk-body">CSV ({_code("format=csv")}, {_code("text/csv; charset=utf-8")}, sent as a file): byte for byte the
file {_code("python -m outcomes export ... --out FILE")} writes for the same release, level, subtype and area. UTF-8
without a byte order mark (the site's "For Excel" download adds one; pandas and R read both).</p>
<h2 class="govuk-heading-m">Errors</h2>
<p class="govuk-body">A bad parameter is a 400 that names it: {_code('{"error": {"status": 400, "parameter": '
'"geographic_level", "message": "... must be one of ...", "allowed": [...]}}')}. An id that is not a public release is a
404, the same for one not yet published as for one that never existed. Any other path under {_code(PREFIX)} is a
JSON 404; any method but GET, HEAD and OPTIONS a JSON 405.</p>
<h2 class="govuk-heading-m">Versions</h2>
<p class="govuk-body">Everything is under {_code(PREFIX)}, and every answer says {_code("X-API-Version: 1")}. Version 1
never breaks: new fields, parameters and data sets may be added (ignore what you do not know), nothing is renamed,
removed or changes meaning. A change that would break a reader would be a new version beside this one.</p>
<h2 class="govuk-heading-m">Caching</h2>
<p class="govuk-body">Answers carry {_code("Cache-Control: public, max-age=N")}, never past the next scheduled
publication, and an {_code("ETag")}: send it back in {_code("If-None-Match")} to get an empty 304 while the answer is
unchanged. Every origin may read the API ({_code("Access-Control-Allow-Origin: *")}); no key is needed.</p>
<h2 class="govuk-heading-m">Licence</h2>
<p class="govuk-body">Contains public sector information from Ofsted, DfE and ONS licensed under the
<a class="govuk-link" href="https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/">Open
Government Licence v3.0</a>. The machine-readable description is at
<a class="govuk-link" href="{escape(base + PREFIX)}/openapi.json">{escape(PREFIX)}/openapi.json</a>.</p>"""


def page(release: Release | None, base: str) -> str:
    """The documentation page in the edition's frame; `base` is the site's address (scheme and host)
    for the examples."""
    context = frame(f"{PREFIX}/docs", "The API", "A JSON and CSV API over every published release of Ofsted inspection "
                    "outcomes in England: the same figures as the site's tables and downloads.", interactive("data"),
                    "Download data on the interactive site", breadcrumbs=[{"text": "API"}])
    return render("api_docs.html", body=Markup(_sections(base) + _examples(base, release)), **context)
