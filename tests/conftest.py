"""Shared fixtures: the real data built once per session into a temporary folder."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from outcomes import settings


def _have_source() -> bool:
    return (settings.source_dir() / "goodair_csc_providers").exists()


@pytest.fixture(scope="session")
def built_data(tmp_path_factory) -> Path:
    """Build every release from the real files once; point the site and the store at it."""
    if not _have_source():
        message = f"published files not found in {settings.source_dir()} (set OUTCOMES_SOURCE)"
        if os.environ.get("CI"):
            pytest.fail(message + ": CI must test against the real release files")  # never a silent green
        pytest.skip(message)
    from outcomes.build.pipeline import build_all

    data = tmp_path_factory.mktemp("data")
    os.environ["OUTCOMES_DATA"] = str(data)
    # The site publishes release files in the background when its store opens: the tests' build
    # writes them here, not over the project's static/ (where the next real server would then
    # find them stale and write every release again).
    os.environ["OUTCOMES_STATIC"] = str(data / "static")
    results = build_all(source_dir=settings.source_dir(), data_dir=data)
    failed = [r.release.id for r in results if not r.ok and not r.skipped]
    assert not failed, f"releases failed their checks: {failed}"
    geo = data / "geo"
    os.environ["OUTCOMES_GEO"] = str(geo)
    try:
        from geo.build import build as build_geo
        build_geo(settings.source_dir(), geo)
    except ImportError:
        pass
    return data


@pytest.fixture(scope="session")
def raw_ilacs_overview() -> dict[str, str]:
    """Latest overall ILACS grade per LA name, read straight from the source file."""
    import pandas as pd

    df = pd.read_excel(settings.source_dir() / "d2i_ilacs" / "ofsted_csc_ilacs_overview.xlsx", dtype=str)
    labels = {"outstanding": "Outstanding", "good": "Good", "requires improvement": "Requires improvement",
              "inadequate": "Inadequate", "not_reported_post_reform": "No overall grade (framework gives none)"}
    return {la: labels[g] for la, g in zip(df["local_authority"], df["overall_effectiveness_grade"])}
