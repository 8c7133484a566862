"""One family of errors a user can act on, and the plain words the site shows when a page fails.

Every error here names where the problem is (file, row, column) and says how to fix it. The
command line catches `OutcomesError` once (outcomes/ops/cli.py) and exits 2; anything else is a bug
and keeps its traceback. The site's error boundary (app.py) logs an unexpected error with a short
id and shows `page_failure_message` instead of Streamlit's own box.
"""
from __future__ import annotations

import secrets
from pathlib import Path

USAGE_EXIT = 2  # bad usage or bad input; 1 is kept for "the QA checks failed", 0 for success


class OutcomesError(Exception):
    """A problem in what the user gave us (a file, a catalogue entry, an option), not a bug."""

    def __init__(self, problem: str, file: Path | str | None = None, row: int | None = None,
                 column: str | None = None, fix: str = ""):
        self.problem, self.row, self.column, self.fix = str(problem), row, column, fix
        self.path = str(file) if file else ""
        super().__init__(self.message)

    @property
    def where(self) -> str:
        """'file.csv, row 12, column 'URN'' (only the parts that are known)."""
        parts = [Path(self.path).name if self.path else "", f"row {self.row}" if self.row else "",
                 f"column '{self.column}'" if self.column else ""]
        return ", ".join(p for p in parts if p)

    @property
    def message(self) -> str:
        text = f"{self.where}: {self.problem}" if self.where else self.problem
        return text + (f". {self.fix}" if self.fix else "")


class SourceError(OutcomesError, ValueError):
    """A published release file is unreadable or not what its reader expects."""

    def __init__(self, path: Path | str, row: int | None, column: str | None, problem: str, fix: str = ""):
        super().__init__(problem, path, row, column, fix)


class CatalogueError(OutcomesError, ValueError):
    """data/releases.toml cannot be read or an entry in it is incomplete."""

    @property
    def where(self) -> str:
        return ", ".join(p for p in (Path(self.path).name if self.path else "", f"line {self.row}" if self.row else "") if p)


class UsageError(OutcomesError):
    """A command-line option or value that does not exist (an unknown region, a missing folder)."""


class MissingFile(OutcomesError, FileNotFoundError):
    """A file or folder the command needs is not there (the LA lookup, the boundaries, the source)."""

    def __init__(self, problem: str, file: Path | str | None = None, fix: str = ""):
        OutcomesError.__init__(self, problem, file, None, None, fix)

    @property
    def where(self) -> str:
        return self.path  # the whole path: the question is where it should have been


def size_text(n: int) -> str:
    """Bytes in the unit a person reads (KB under a megabyte, else MB)."""
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{max(n, 1000) / 1e3:.0f} KB"


class DiskFull(OutcomesError):
    """A write that did not fit (ENOSPC, or the disk quota): the atomic writer removed its temporary
    copy, so the file or folder it was replacing is as it was. Not an OSError on purpose: code that
    shrugs off a missing file must not shrug off a full disk.

    `needed` is exact for a file whose bytes were known; for a folder or a file made by a library
    it is not known, and the message gives the size of what it replaces as the guide instead."""

    def __init__(self, path: Path | str, free: int, needed: int | None = None, replaces: int = 0):
        room = f"{size_text(free)} is free there" if free else "nothing is free there"
        if needed is not None:
            size = f"it needs {size_text(needed)} and {room}"
        else:
            size = room + (" and it needs more" if free else "") + (f"; the copy it replaces takes {size_text(replaces)}" if replaces else "")
        super().__init__(f"the disk is full: could not write this ({size})", path,
                         fix="Free space on that disk, or point OUTCOMES_DATA / OUTCOMES_STATIC at a bigger one, then "
                             "run the command again. What was there before is unchanged")
        self.needed, self.free, self.replaces = needed, free, replaces

    @property
    def where(self) -> str:
        return self.path  # the whole path: which disk is full matters


def error_id() -> str:
    """A short id to quote: the log line carrying the traceback has the same id."""
    return secrets.token_hex(4)


def page_failure_message(page_title: str, ident: str) -> str:
    """What a visitor reads when a page fails: no dead end, no internals."""
    return (f"Sorry, the **{page_title}** page could not be shown just now. The other pages and the downloads "
            f"still work. If this keeps happening, tell us the error reference **{ident}** so we can find out what "
            "went wrong.")
