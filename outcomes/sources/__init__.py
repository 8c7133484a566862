"""One reader per published file family. The catalogue names each by its reader name
(outcomes.domain.releases.READERS); a reader module is imported only when a release uses it, so the
catalogue can check a name without importing the build or pandas.

Every reader module exposes functions `(paths: list[Path], as_at: datetime.date) -> SourceTable`
(outcomes.sources.base); `paths` are the release's source files in catalogue order. The row loop every
caller of a reader shares (the LA of each row, its canonical grade) is outcomes.sources.rows.
"""
from __future__ import annotations

import importlib
from typing import Callable

from outcomes.domain.releases import READERS


def reader_for(name: str) -> Callable:
    """The reader function a catalogue entry names: (paths, as_at date) -> SourceTable."""
    module, func = READERS[name].split(":")
    return getattr(importlib.import_module(f"outcomes.sources.{module}"), func)
