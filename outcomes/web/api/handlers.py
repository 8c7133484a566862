"""The API's endpoints, each a blocking function of the request to an Answer (outcomes.web.api.http
runs it in a thread and adds the shared headers). Parameters are checked before any release is
looked up (params.parse), so an unknown release and one not yet public answer alike, whatever
else the URL holds."""
from __future__ import annotations

from starlette.requests import Request

from outcomes import settings
from outcomes.render.csvfiles import to_csv_bytes
from outcomes.web import public
from outcomes.web.api import data, docs, openapi
from outcomes.web.api.http import CSV, HTML, Answer, cached, json_answer
from outcomes.web.api.params import DATA_PARAMS, NO_PARAMS, PAGE, QUERY_PARAMS, ApiError, page_and_size, parse


def releases(request: Request) -> Answer:
    parse(request.query_params.multi_items(), NO_PARAMS)

    def make() -> Answer:
        store = public.store()
        listed = [data.summary(store, r) for r in sorted(store.releases, key=lambda r: (r.provider_type, r.as_at, r.id))]
        return json_answer({"count": len(listed), "releases": listed,
                            "links": {"self": f"{data.PREFIX}/releases", "docs": f"{data.PREFIX}/docs",
                                      "openapi": f"{data.PREFIX}/openapi.json"}})
    return cached(("releases",), make)


def release(request: Request) -> Answer:
    parse(request.query_params.multi_items(), NO_PARAMS)
    store = public.store()
    found = data.release_of(store, request.path_params["release_id"])  # a 404 is not kept: ids are endless
    return cached(("release", found.id), lambda: json_answer({"release": data.detail(store, found)}))


def _table(request: Request, make_answer, params=QUERY_PARAMS) -> Answer:
    """A checked query of a release's tidy table, answered by make_answer(release, asked, data, meta)."""
    given = request.query_params.multi_items()
    asked = parse(given, params)
    if PAGE in params:
        asked["page"], asked["page_size"] = page_and_size(asked, given)
    store = public.store()
    found = data.release_of(store, request.path_params["release_id"])

    def make() -> Answer:
        return make_answer(found, asked, *data.query(store, found, asked))
    key = tuple(sorted((k, v) for k, v in asked.items() if v is not None))
    return cached((make_answer.__name__, found.id, key), make)


def _csv(frame, name: str) -> Answer:
    # The export's bytes: the same frame through the same writer, UTF-8 without the byte order
    # mark the site's "For Excel" box adds (`python -m outcomes export --out` writes none).
    return Answer(to_csv_bytes(frame, excel_bom=False), CSV, headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _data_answer(found, asked, table, meta) -> Answer:
    if asked["format"] == "csv":
        return _csv(table, data.file_name(found, asked))
    page, size = asked["page"], asked["page_size"]
    pages = max(1, -(-len(table) // size))
    if page > pages:
        raise ApiError(400, f"page {page} is past the last page ({pages}) of this query's {len(table):,} rows "
                       f"at {size:,} a page", "page")
    shown = table.iloc[(page - 1) * size:page * size]
    echo = {k: v for k, v in asked.items() if v is not None and k not in ("page", "page_size")}
    return json_answer({"release": data.short(found), "query": echo, "columns": data.columns_of(table, meta),
                        "metadata": meta.to_dict("records"), "count": len(shown), "rows": data.rows(shown),
                        "paging": data.paging(found, echo, page, size, pages, len(table))})


def _metadata_answer(found, asked, table, meta) -> Answer:
    if asked["format"] == "csv":
        return _csv(meta, data.file_name(found, asked).removesuffix(".csv") + ".meta.csv")
    echo = {k: v for k, v in asked.items() if v is not None}
    return json_answer({"release": data.short(found), "query": echo, "columns": data.columns_of(table, meta),
                        "metadata": meta.to_dict("records"), "count": len(meta)})


def release_data(request: Request) -> Answer:
    return _table(request, _data_answer, DATA_PARAMS)


def release_metadata(request: Request) -> Answer:
    """The metadata file (.meta.csv) of the same query's table, as the export writes it beside the data."""
    return _table(request, _metadata_answer)


def openapi_json(request: Request) -> Answer:
    parse(request.query_params.multi_items(), NO_PARAMS)
    return cached(("openapi",), lambda: json_answer(openapi.document()))


def docs_page(request: Request) -> Answer:
    """The documentation page: its examples on the site's public address (settings.site_url) and
    a release published now."""
    parse(request.query_params.multi_items(), NO_PARAMS)

    def make() -> Answer:
        store = public.store()
        example = store.latest("social_care_provider") or (store.releases[-1] if store.releases else None)
        return Answer(docs.page(example, settings.site_url()).encode("utf-8"), HTML)
    return cached(("docs", settings.site_url()), make)


def not_found(request: Request) -> Answer:
    raise ApiError(404, f"No such endpoint: {request.url.path}. The endpoints are listed at {data.PREFIX}/docs "
                   f"and {data.PREFIX}/openapi.json.")
