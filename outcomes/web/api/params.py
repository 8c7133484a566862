"""The API's query parameters, defined once: the handlers validate against these definitions and
the OpenAPI document (outcomes.web.api.openapi) is written from them, so the two cannot drift.

A value from the URL is checked against what is allowed before anything is looked up with it
(DESIGN "Conventions"): an unknown parameter, a repeated one or a value outside its allowed set is
a 400 that names the parameter and, where the set is finite, lists the allowed values.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from outcomes.domain.fields import Level

FORMATS = ("json", "csv")
SCOPES = ("as_at", "in_year")  # the stock (latest inspection as at the date) or the flow (the year's inspections)
AREA_LEVELS = (Level.REGIONAL, Level.LOCAL_AUTHORITY, Level.PROVIDER)  # levels whose rows can be narrowed to an area


class ApiError(Exception):
    """An answer other than 200: its status, and the parameter at fault (None for a 404)."""

    def __init__(self, status: int, message: str, parameter: str | None = None, allowed: list[str] | None = None):
        super().__init__(message)
        self.status, self.message, self.parameter, self.allowed = status, message, parameter, allowed

    def body(self) -> dict:
        error: dict = {"status": self.status, "message": self.message}
        if self.parameter is not None:
            error["parameter"] = self.parameter
        if self.allowed is not None:
            error["allowed"] = list(self.allowed)
        return {"api_version": "1", "error": error}


@dataclass(frozen=True)
class Param:
    """One query parameter: what it means, and what the URL may give for it. `enum` is the finite
    set every release shares (a release may offer fewer: its own levels, subtypes and areas are
    checked once the release is known); `pattern` is the shape a free value must have."""
    name: str
    description: str
    enum: tuple[str, ...] | None = None
    default: str | None = None
    pattern: str | None = None
    example: str | None = None
    max_length: int = 200

    def schema(self) -> dict:
        out: dict = {"type": "string"}
        if self.enum:
            out["enum"] = list(self.enum)
        if self.default is not None:
            out["default"] = self.default
        if self.pattern:
            out["pattern"] = self.pattern
        out["maxLength"] = self.max_length
        return out

    def check(self, value: str) -> str:
        """The value if it may be given for this parameter at all, else the 400 naming it."""
        if len(value) > self.max_length:
            raise ApiError(400, f"{self.name} is longer than {self.max_length} characters", self.name)
        if self.enum and value not in self.enum:
            raise ApiError(400, f"{self.name} {value!r} is not allowed: it must be one of {', '.join(self.enum)}",
                           self.name, list(self.enum))
        if self.pattern and not re.fullmatch(self.pattern, value):
            raise ApiError(400, f"{self.name} {value!r} is not allowed: it must match {self.pattern} (e.g. {self.example})",
                           self.name)
        return value


FORMAT = Param("format", "json (the default): rows as objects, with the columns' metadata; csv: the tidy CSV file, "
               "byte for byte what `python -m outcomes export` writes for the same query (UTF-8, no byte order mark).",
               FORMATS, "json")
GEOGRAPHIC_LEVEL = Param(
    "geographic_level", "The level of geography of the rows: national (England), regional, local_authority, or provider "
    "(one row per provider, the EES Institution level). A release offers the levels its `datasets` list.",
    tuple(Level), "national")
AREA = Param("area", "Only this area: an ONS code. At the regional level a region code (E12...); at the local_authority "
             "level an LA code (E06/E08/E09/E10...) or a region code (that region's LAs); at the provider level an LA code. "
             "Not allowed at the national level.", pattern=r"[EW]\d{8}", example="E08000035", max_length=9)
SUBTYPE = Param("subtype", "Only this provider subtype (provision type, phase, provider group), as the release's `subtypes` "
                "list names it. Without it, every subtype and the Total rows.", example="Children's home")
TIME_PERIOD = Param("time_period", "Only rows of this time period (the column time_period: YYYY for an 'as at' snapshot, "
                    "YYYYYY for a year's inspections).", pattern=r"\d{4}(\d{2})?", example="2025", max_length=6)
SCOPE = Param("scope", "as_at (the default): each provider's latest inspection as at the release's date (the stock); "
              "in_year: the inspections carried out in the year to that date (the flow), one row per key judgement, "
              "for the releases whose `datasets` offer it.", SCOPES, "as_at")

PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX = 1000, 10000
PAGE = Param("page", "JSON only: which page of rows (from 1). An answer says how many pages there are and links the "
             "next and previous ones; the CSV is always the whole table, as the export writes it.",
             default="1", pattern=r"[1-9]\d{0,6}", example="2", max_length=7)
PAGE_SIZE = Param("page_size", f"JSON only: rows a page, 1 to {PAGE_SIZE_MAX:,}.", default=str(PAGE_SIZE_DEFAULT),
                  pattern=r"[1-9]\d{0,4}", example="5000", max_length=5)

QUERY_PARAMS = (GEOGRAPHIC_LEVEL, AREA, SUBTYPE, TIME_PERIOD, SCOPE, FORMAT)  # a query of a table (its metadata too)
DATA_PARAMS = (*QUERY_PARAMS, PAGE, PAGE_SIZE)  # its rows
NO_PARAMS: tuple[Param, ...] = ()


def parse(items: list[tuple[str, str]], allowed: tuple[Param, ...]) -> dict[str, str | None]:
    """{name: value or its default} for `allowed`, from a query string's (name, value) pairs; a
    400 naming the first unknown, repeated or ill-formed parameter."""
    by_name = {p.name: p for p in allowed}
    seen: dict[str, str] = {}
    for name, value in items:
        if name not in by_name:
            known = ", ".join(by_name) if by_name else "none"
            raise ApiError(400, f"unknown parameter {name!r}: this endpoint takes {known}", name, list(by_name))
        if name in seen:
            raise ApiError(400, f"{name} is given more than once: give it once", name)
        seen[name] = by_name[name].check(value)
    return {p.name: seen.get(p.name, p.default) for p in allowed}


def page_and_size(asked: dict[str, str | None], given: list[tuple[str, str]]) -> tuple[int, int]:
    """(page, page_size) of a data query; a 400 naming the parameter when it is out of range, or
    given with format=csv (the CSV is the whole table)."""
    if asked["format"] == "csv":
        for name, _value in given:
            if name in (PAGE.name, PAGE_SIZE.name):
                raise ApiError(400, f"{name} is for JSON answers: the CSV is always the whole table, as the export "
                               "writes it (leave it out, or ask for format=json)", name)
    size = int(asked[PAGE_SIZE.name])
    if size > PAGE_SIZE_MAX:
        raise ApiError(400, f"page_size {size} is more than {PAGE_SIZE_MAX:,}: ask for the CSV (format=csv) to get the "
                       "whole table at once", PAGE_SIZE.name)
    return int(asked[PAGE.name]), size


def one_of(name: str, value: str | None, allowed: list[str], what: str) -> None:
    """A 400 naming `name` when `value` is not among the values this release offers."""
    if value is not None and value not in allowed:
        listed = ", ".join(allowed) if allowed else "none"
        raise ApiError(400, f"{name} {value!r} is not offered by {what}: it must be one of {listed}", name, allowed)
