"""A tiny source folder, data folder and catalogue in tmp, pointed at by the OUTCOMES_* settings.

Shared by the build, cross-check and embargo tests; each test file adds its own files.
"""
from __future__ import annotations

import os
from pathlib import Path

from outcomes import settings

REAL_DATA = (settings.PROJECT_ROOT / "data").resolve()
# A catalogue entry's recorded QA checklist sign-off (outcomes.domain.checklist): a made-up release with
# it is published at its time; one without waits for its checklist to be signed.
SIGNED = 'checklist = { signed_by = "Test team", signed = 2024-01-01, note = "A made-up release for the tests" }'


class TinySite:
    def __init__(self, root: Path):
        self.root = root
        self.source, self.data, self.catalogue = root / "source", root / "data", root / "releases.toml"

    def env(self) -> dict[str, str]:
        """The environment a subprocess (the CLI) needs to see this site, as the tests do."""
        env = dict(os.environ)
        env.update(OUTCOMES_CATALOGUE=str(self.catalogue), OUTCOMES_SOURCE=str(self.source),
                   OUTCOMES_DATA=str(self.data), OUTCOMES_NOW="2030-01-01T12:00:00")
        return env

    def use(self, monkeypatch):
        """Point this process's settings at the site; never at the project's own data/."""
        for k, v in self.env().items():
            if k.startswith("OUTCOMES_"):
                monkeypatch.setenv(k, v)
        assert not str(self.data.resolve()).startswith(str(REAL_DATA))
        return self
