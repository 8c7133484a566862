"""The OpenAPI 3.1 document of the API, as data: its parameters are written from the same Param
definitions the handlers validate against (outcomes.web.api.params), with their enums, so the
document says what the API accepts and cannot drift from it."""
from __future__ import annotations

from outcomes.domain.fields import PROVIDER_TYPES, SYMBOLS, Status
from outcomes.web.api.data import API_VERSION, PREFIX
from outcomes.web.api.params import DATA_PARAMS, QUERY_PARAMS, Param

REF = "#/components/"
STRING = {"type": "string"}
NULLABLE_STRING = {"type": ["string", "null"]}
CODE_LABEL = {"type": "object", "required": ["code", "label"], "properties": {"code": STRING, "label": STRING}}


def _ref(kind: str, name: str) -> dict:
    return {"$ref": f"{REF}{kind}/{name}"}


def parameter(p: Param) -> dict:
    out = {"name": p.name, "in": "query", "required": False, "description": p.description, "schema": p.schema()}
    if p.example:
        out["example"] = p.example
    return out


HEADERS = {
    "ETag": {"description": "A hash of the body: send it back in If-None-Match to get a 304 while it is unchanged.",
             "schema": STRING},
    "Cache-Control": {"description": "public, max-age=N: never past the next scheduled publication (09:30 on release day).",
                      "schema": STRING},
    "Access-Control-Allow-Origin": {"description": "Always *: the data are public.", "schema": {"const": "*"}},
    "X-API-Version": {"description": "The API's major version.", "schema": {"const": API_VERSION}},
}


def _response(description: str, schema: dict | None = None, media: str = "application/json") -> dict:
    out: dict = {"description": description, "headers": {k: {"$ref": f"{REF}headers/{k}"} for k in HEADERS}}
    if schema is not None:
        out["content"] = {media: {"schema": schema}}
    return out


def _operation(op_id: str, summary: str, description: str, ok: dict, params: list[dict], not_found: bool) -> dict:
    responses = {"200": ok, "304": _ref("responses", "NotModified"), "400": _ref("responses", "BadRequest")}
    if not_found:
        responses["404"] = _ref("responses", "NotFound")
    return {"get": {"operationId": op_id, "summary": summary, "description": description,
                    "parameters": params + [_ref("parameters", "IfNoneMatch")], "responses": responses}}


RELEASE_ID = {"name": "release_id", "in": "path", "required": True, "description": "A release's id, as /releases lists it.",
              "schema": {"type": "string"}, "example": "social-care-providers-2025-03-31"}


def paths() -> dict:
    release_id = _ref("parameters", "release_id")
    data_params = [_ref("parameters", p.name) for p in DATA_PARAMS]
    query_params = [_ref("parameters", p.name) for p in QUERY_PARAMS]
    return {
        "/releases": _operation("listReleases", "Every release published now",
                                "Each release the public may see now (never one before its publication time), with "
                                "the data sets it offers and its links.",
                                _response("The releases", _ref("schemas", "ReleaseList")), [], False),
        "/releases/{release_id}": _operation(
            "getRelease", "One release's metadata",
            "The release's summary, definition and revisions, and its tables: for each data set and geographic level, "
            "its areas, time periods and columns as the field registry describes them, with the lines of the export's metadata file (.meta.csv).",
            _response("The release", _ref("schemas", "ReleaseAnswer")), [release_id], True),
        "/releases/{release_id}/data": _operation(
            "getReleaseData", "A release's tidy table",
            "The tidy table (Explore Education Statistics layout) for a level, optionally one area, subtype and time "
            "period: JSON rows, or with format=csv the CSV file `python -m outcomes export` writes for the same query.",
            {**_response("The table", _ref("schemas", "DataAnswer")),
             "content": {"application/json": {"schema": _ref("schemas", "DataAnswer")},
                         "text/csv": {"schema": {"type": "string"}}}},
            [release_id, *data_params], True),
        "/releases/{release_id}/metadata": _operation(
            "getReleaseMetadata", "The metadata file of a query's table",
            "The EES metadata of the table the same query gives (its filters and indicators, with units and decimal "
            "places): JSON, or with format=csv the .meta.csv file `python -m outcomes export` writes beside the data.",
            {**_response("The metadata", _ref("schemas", "MetadataAnswer")),
             "content": {"application/json": {"schema": _ref("schemas", "MetadataAnswer")},
                         "text/csv": {"schema": {"type": "string"}}}},
            [release_id, *query_params], True),
        "/openapi.json": _operation("getOpenApi", "This document", "The OpenAPI 3.1 description of the API.",
                                    _response("The document", {"type": "object"}), [], False),
        "/docs": _operation("getDocs", "The API's documentation", "A page for people: what the API serves, with examples.",
                            _response("The page", {"type": "string"}, "text/html"), [], False),
        "/": _operation("getIndex", "The API's documentation", "The same page as /docs.",
                        _response("The page", {"type": "string"}, "text/html"), [], False),
    }


def _object(required: list[str], properties: dict, **more) -> dict:
    return {"type": "object", "required": required, "properties": properties, **more}


def schemas() -> dict:
    """Long: one literal per schema of the answers; splitting it would scatter one description."""
    links = _object(["self", "data", "html", "streamlit"], {k: STRING for k in ("self", "data", "csv", "html", "streamlit")})
    dataset = _object(["scope", "geographic_levels", "subtypes"], {
        "scope": {"enum": ["as_at", "in_year"]}, "geographic_levels": {"type": "array", "items": STRING},
        "subtypes": {"type": "array", "items": STRING}})
    summary = _object(
        ["id", "title", "provider_type", "as_at", "published", "version", "status", "datasets", "links"], {
            "id": STRING, "title": STRING,
            "provider_type": {**CODE_LABEL, "properties": {"code": {"enum": list(PROVIDER_TYPES)}, "label": STRING}},
            "as_at": {"type": "string", "format": "date"}, "published": {"type": "string", "format": "date-time"},
            "version": {"type": "integer"},
            "status": {**CODE_LABEL, "properties": {"code": {"enum": [s.value for s in Status]}, "label": STRING}},
            "coverage": STRING, "counts": CODE_LABEL, "next_update": NULLABLE_STRING,
            "datasets": {"type": "array", "items": dataset}, "links": links})
    column = _object(["name", "label", "description", "type"], {
        "name": STRING, "label": STRING, "description": STRING,
        "type": {"enum": ["string", "integer", "number", "date", "boolean"]}, "unit": NULLABLE_STRING,
        "role": {"enum": ["geography", "time", "filter", "indicator", "attribute"]},
        "meta": {"type": "object", "description": "The column's line of the metadata file (.meta.csv), if it has one."}})
    meta_line = {"type": "object", "description": "One line of the EES metadata file (col_name, col_type, label, ...)."}
    detail = {"allOf": [_ref("schemas", "ReleaseSummary"), _object(["tables"], {
        "definition": NULLABLE_STRING, "notes": NULLABLE_STRING, "source_publication": NULLABLE_STRING,
        "revisions": {"type": "array", "items": _object(["version", "date", "reason"], {
            "version": {"type": "integer"}, "date": {"type": "string", "format": "date"}, "reason": STRING})},
        "tables": {"type": "array", "items": _object(["scope", "geographic_level", "columns", "metadata"], {
            "scope": STRING, "geographic_level": STRING, "subtypes": {"type": "array", "items": STRING},
            "time_periods": {"type": "array", "items": STRING}, "areas": {"type": "array", "items": STRING},
            "columns": {"type": "array", "items": _ref("schemas", "Column")},
            "metadata": {"type": "array", "items": meta_line}, "links": {"type": "object"}})}})]}
    symbols = "; ".join(f"{k}: {v}" for k, v in SYMBOLS.items())
    cell = {"type": ["string", "number", "integer", "boolean", "null"],
            "description": f"An indicator is a number, or a GSS symbol where the figure is withheld ({symbols})."}
    version = {"api_version": {"const": API_VERSION}}
    return {
        "Error": _object(["api_version", "error"], {**version, "error": _object(["status", "message"], {
            "status": {"type": "integer"}, "message": STRING,
            "parameter": {"type": "string", "description": "The query parameter at fault (400 only)."},
            "allowed": {"type": "array", "items": STRING, "description": "The values it may take, where finite."}})}),
        "ReleaseSummary": summary, "ReleaseDetail": detail, "Column": column,
        "ReleaseList": _object(["api_version", "count", "releases"], {
            **version, "count": {"type": "integer"}, "releases": {"type": "array", "items": _ref("schemas", "ReleaseSummary")},
            "links": {"type": "object"}}),
        "ReleaseAnswer": _object(["api_version", "release"], {**version, "release": _ref("schemas", "ReleaseDetail")}),
        "DataAnswer": _object(["api_version", "release", "query", "columns", "count", "rows", "paging"], {
            **version, "release": {"type": "object"}, "query": {"type": "object", "description": "The query, as understood."},
            "columns": {"type": "array", "items": _ref("schemas", "Column")},
            "metadata": {"type": "array", "items": meta_line},
            "count": {"type": "integer", "description": "Rows in this answer (this page)."},
            "rows": {"type": "array", "items": {"type": "object", "additionalProperties": cell}},
            "paging": _object(["page", "page_size", "total_pages", "total_rows", "next", "previous"], {
                "page": {"type": "integer"}, "page_size": {"type": "integer"}, "total_pages": {"type": "integer"},
                "total_rows": {"type": "integer", "description": "Rows of the whole table (the CSV's rows)."},
                "next": NULLABLE_STRING, "previous": NULLABLE_STRING})}),
        "MetadataAnswer": _object(["api_version", "release", "query", "metadata", "count"], {
            **version, "release": {"type": "object"}, "query": {"type": "object"},
            "columns": {"type": "array", "items": _ref("schemas", "Column")},
            "metadata": {"type": "array", "items": meta_line}, "count": {"type": "integer"}}),
    }


def components() -> dict:
    error = {"application/json": {"schema": _ref("schemas", "Error")}}
    return {
        "schemas": schemas(),
        "parameters": {"release_id": RELEASE_ID, **{p.name: parameter(p) for p in DATA_PARAMS},
                       "IfNoneMatch": {"name": "If-None-Match", "in": "header", "required": False, "schema": STRING,
                                       "description": "An ETag from an earlier answer: 304 while the answer is unchanged."}},
        "headers": HEADERS,
        "responses": {
            "BadRequest": {"description": "A parameter is unknown, repeated or has a value not allowed; the error names it "
                           "and, where the values are finite, lists them.", "content": error},
            "NotFound": {"description": "No public release has this id (the same answer for one not yet published).",
                         "content": error},
            "NotModified": {"description": "The answer is unchanged since the ETag sent in If-None-Match."},
        },
    }


def document() -> dict:
    """The OpenAPI 3.1 document (paths relative to the server /api/v1)."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Ofsted inspection outcomes API", "version": API_VERSION,
                 "description": "The published releases of Ofsted inspection outcomes in England and their tidy tables, "
                                "as JSON or CSV. Version 1 never breaks: fields and parameters may be added, none is "
                                "renamed, removed or changes meaning. Answers may be cached until the next publication.",
                 "license": {"name": "Open Government Licence v3.0",
                             "url": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"}},
        "servers": [{"url": PREFIX}],
        "paths": paths(),
        "components": components(),
    }
