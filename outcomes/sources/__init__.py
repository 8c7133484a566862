"""One reader per published file family, registered here by the catalogue's reader name.

The registry is only names (no reader is imported until it is used), so the catalogue can check a
reader name without importing the build or pandas.
"""
from __future__ import annotations

import importlib
from typing import Callable

# Catalogue reader name -> "module:function" in this package.
READERS: dict[str, str] = {
    "social_care_providers": "social_care_providers:read",
    "la_childrens_services": "la_childrens_services:read",
    "la_childrens_services_overview": "la_childrens_services:read_overview",
    "la_childrens_services_la_table": "la_childrens_services:read_la_table_2023",
    "la_childrens_services_2013": "csc_workbook:read_history",
    "la_childrens_services_la_level_2022": "csc_workbook:read_la_level_2022",
    "social_care_ofsted_aggregates": "csc_aggregates:read_aggregates",
    "social_care_provider_in_year": "csc_aggregates:read_provider_in_year",
    "area_send": "area_send:read",
    "further_education": "further_education:read",
    "schools_official": "schools:read_official",
    "schools_gias": "schools:read_gias_ratings",
    "schools_history_2018": "schools:read_history_2018",
}



def reader_for(name: str) -> Callable:
    """The reader function a catalogue entry names: (paths, as_at date) -> SourceTable."""
    module, func = READERS[name].split(":")
    return getattr(importlib.import_module(f"outcomes.sources.{module}"), func)
