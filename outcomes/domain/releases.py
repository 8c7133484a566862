"""The release catalogue (data/releases.toml): what exists, and what is published now.

A release is one "as at" snapshot of one provider type, read from one or more published files.
Nothing is visible before its `published` time (09:30 London time on release day by
convention), whatever command or page asks: every reader of the catalogue goes through
`visible()`.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from outcomes import settings
from outcomes.errors import CatalogueError, MissingFile
from outcomes.domain.fields import PROVIDER_TYPES, Counts, Status


@dataclass(frozen=True)
class SourceFile:
    path: str  # relative to the source folder
    sha256: str = ""


@dataclass(frozen=True)
class Crosscheck:
    """An independent published table the built release is compared with after it builds.

    `reader` names a reader in READERS; `path` is relative to the source folder.
    A cross-check never blocks publication: disagreements are warnings for a person to judge,
    a missing file is skipped, a changed file (sha256) is a warning.
    """
    reader: str
    path: str
    sha256: str = ""
    title: str = ""  # how the QA report names the table, e.g. "Ofsted's 2023 LA-level table"

    @property
    def label(self) -> str:
        return self.title or Path(self.path).name


@dataclass(frozen=True)
class Revision:
    """One update to a release: `python -m outcomes amend` appends these (version, date, reason)."""
    version: int
    date: dt.date
    reason: str


# Every reader a catalogue entry may name, as "module:function" in outcomes.sources (which imports
# them on first use). Names only, so the catalogue can check an entry without importing a reader.
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

PREVIEW_HOURS = 24  # pre-release access: at most 24 hours before publication (Code of Practice, Orderliness)


@dataclass(frozen=True)
class Release:
    id: str
    title: str
    provider_type: str
    as_at: dt.date
    published: dt.datetime
    status: Status
    reader: str
    sources: tuple[SourceFile, ...]
    version: int = 1
    coverage: str = "England"
    source_publication: str = ""  # Ofsted's (or the compiler's) page for the release
    source_published: str = ""  # when Ofsted published it, where known
    next_update: str = ""
    # The release's publication cut-off: an inspection counts only if its report was published by
    # then (Ofsted sets one per release: 30 April for social care as at 31 March, 30 September for
    # schools as at 31 August, later for LA children's services and area SEND). `cutoff_note` says
    # where the date comes from.
    cutoff: dt.date | None = None
    cutoff_note: str = ""
    counts: Counts = Counts.ALL_REGISTERED  # which providers its counts cover
    definition: str = ""  # what the release counts (which providers and inspections), in Ofsted's words where known
    notes: str = ""
    revisions: tuple[Revision, ...] = field(default_factory=tuple)
    supersedes: str = ""  # a release of the same type and date this one replaces when it is built
    crosscheck: Crosscheck | None = None  # an independent table to compare the built release with
    in_year: Crosscheck | None = None  # a table of the year's inspections (the flow), same keys as crosscheck
    pre_release_access: tuple[str, ...] = ()  # people given pre-release access (besides those the preview log names)

    @property
    def status_label(self) -> str:
        return self.status.label

    @property
    def provider_type_label(self) -> str:
        return PROVIDER_TYPES[self.provider_type]

    @property
    def source_published_at(self) -> dt.datetime | dt.date | None:
        """When Ofsted published it: a London date-time, a date (time not recorded), or None."""
        if not self.source_published:
            return None
        if "T" not in self.source_published:
            return dt.date.fromisoformat(self.source_published)
        t = dt.datetime.fromisoformat(self.source_published)
        return t if t.tzinfo else t.replace(tzinfo=settings.LONDON)

    @property
    def amended_at(self) -> dt.date | None:
        """The date of the latest amendment (None: never amended)."""
        return max((r.date for r in self.revisions), default=None)

    def in_preview_window(self, now: dt.datetime | None = None) -> bool:
        """True in the 24 hours before publication, when named people may see it."""
        now = now or settings.now()
        return self.published - dt.timedelta(hours=PREVIEW_HOURS) <= now < self.published

    @property
    def series(self) -> str:
        """Releases that form one time series and are compared with each other: the same provider
        type read by the same reader (the same coverage)."""
        return f"{self.provider_type}:{self.reader}"

    def source_paths(self, source_dir: Path) -> list[Path]:
        return [Path(source_dir) / s.path for s in self.sources]

    def is_visible(self, now: dt.datetime | None = None) -> bool:
        return self.published <= (now or settings.now())


def _published(value: object, where: str) -> dt.datetime:
    if isinstance(value, dt.datetime):
        t = value
    elif isinstance(value, dt.date):
        t = dt.datetime.combine(value, dt.time(9, 30))
    else:
        try:
            t = dt.datetime.fromisoformat(str(value))
        except ValueError:
            raise CatalogueError(f"{where}: published {value!r} is not an ISO date-time (e.g. 2025-07-16T09:30)") from None
    return t if t.tzinfo else t.replace(tzinfo=settings.LONDON)




def load_catalogue(path: Path | None = None) -> list[Release]:
    """All releases in the catalogue, checked for the fields every page relies on.

    Every page run asks which releases are published now, so the parsed catalogue is kept until
    the file changes (its modification time and size are the key; Release records are frozen)."""
    path = Path(path or settings.catalogue_path())
    try:
        stat = path.stat()
    except FileNotFoundError:
        return _parse_catalogue(path)  # raises the catalogue's own "missing" message
    return list(_cached_catalogue(str(path), stat.st_mtime_ns, stat.st_size))


@functools.lru_cache(maxsize=8)
def _cached_catalogue(path: str, mtime_ns: int, size: int) -> tuple[Release, ...]:
    return tuple(_parse_catalogue(Path(path)))


def catalogue_from_text(text: str, path: Path | None = None) -> list[Release]:
    """The releases of a catalogue not yet written (amend builds from its re-pinned text first)."""
    return _parse_catalogue(Path(path or settings.catalogue_path()), text)


def _parse_catalogue(path: Path, text: str | None = None) -> list[Release]:
    doc, starts = _read_toml(path, text)
    out, seen = [], set()
    for i, entry in enumerate(doc.get("release", []), start=1):
        where = f"{path.name}, release {i} ({entry.get('id', 'no id')}) on line {starts[i - 1] if i <= len(starts) else '?'}"
        for key in ("id", "title", "provider_type", "as_at", "published", "status", "reader", "sources"):
            if key not in entry:
                raise CatalogueError(f"{where}: missing '{key}'")
        if entry["provider_type"] not in PROVIDER_TYPES:
            raise CatalogueError(f"{where}: provider_type {entry['provider_type']!r} is not one of {', '.join(PROVIDER_TYPES)}")
        if entry["status"] not in set(Status):
            raise CatalogueError(f"{where}: status {entry['status']!r} is not one of {', '.join(Status)}")
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", str(entry["id"])):
            raise CatalogueError(f"{where}: id must be lower-case letters, digits and hyphens (it names a folder and a URL)")
        if entry["id"] in seen:
            raise CatalogueError(f"{where}: id appears twice")
        seen.add(entry["id"])
        crosscheck = _crosscheck(entry.get("crosscheck"), where)
        try:
            out.append(_release(entry, where, crosscheck))
        except CatalogueError:
            raise
        except (KeyError, ValueError, TypeError, AttributeError) as e:  # a mistyped value, e.g. as_at = "31/03/2025"
            raise CatalogueError(f"{where}: {type(e).__name__}: {e}",
                                 fix="as_at is YYYY-MM-DD; sources = [ { path = \"...\", sha256 = \"...\" } ]; version is a number") from None
    return out


def _release(entry: dict, where: str, crosscheck: Crosscheck | None) -> Release:
    return Release(
        id=entry["id"], title=entry["title"], provider_type=entry["provider_type"],
        as_at=entry["as_at"] if isinstance(entry["as_at"], dt.date) else dt.date.fromisoformat(entry["as_at"]),
        published=_published(entry["published"], where), status=Status(entry["status"]), reader=entry["reader"],
        sources=tuple(SourceFile(s["path"], s.get("sha256", "")) for s in entry["sources"]),
        version=int(entry.get("version", 1)), coverage=entry.get("coverage", "England"),
        source_publication=entry.get("source_publication", ""), source_published=str(entry.get("source_published", "")),
        next_update=entry.get("next_update", ""), cutoff=_cutoff(entry),
        cutoff_note=str(entry.get("cutoff_note", "")), counts=Counts(entry.get("counts", Counts.ALL_REGISTERED)),
        definition=str(entry.get("definition", "")),
        notes=entry.get("notes", ""), revisions=_revisions(entry.get("revisions", ()), where),
        supersedes=entry.get("supersedes", ""), crosscheck=crosscheck,
        in_year=_crosscheck(entry.get("in_year"), where),
        pre_release_access=tuple(str(n) for n in entry.get("pre_release_access", ())),
    )


DEFAULT_CUTOFF_DAYS = 30  # a month after the date, where the catalogue names no cut-off of its own


def _cutoff(entry: dict) -> dt.date:
    """`cutoff = 2024-05-31`, or `cutoff_days = N` after as_at (default 30)."""
    as_at = entry["as_at"] if isinstance(entry["as_at"], dt.date) else dt.date.fromisoformat(entry["as_at"])
    value = entry.get("cutoff")
    if value is None:
        return as_at + dt.timedelta(days=int(entry.get("cutoff_days", DEFAULT_CUTOFF_DAYS)))
    day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    if day < as_at:
        raise ValueError(f"cutoff {day} is before as_at {as_at}: reports are counted up to a date on or after the snapshot")
    return day


def _revisions(values, where: str) -> tuple[Revision, ...]:
    """`revisions = [ { version = 2, date = 2026-11-23, reason = "..." } ]` (a bare string: version 1's note)."""
    out = []
    for v in values:
        if isinstance(v, str):
            continue  # a free-text note from before revisions were recorded as tables
        try:
            day = v["date"] if isinstance(v["date"], dt.date) else dt.date.fromisoformat(str(v["date"]))
            out.append(Revision(int(v["version"]), day, str(v["reason"])))
        except (KeyError, TypeError, ValueError):
            raise CatalogueError(f"{where}: each revision needs version, date (YYYY-MM-DD) and reason") from None
    return tuple(sorted(out, key=lambda r: r.version))


def _read_toml(path: Path, text: str | None = None) -> tuple[dict, list[int]]:
    """The parsed catalogue (of `text`, else of the file) and the line each [[release]] starts on."""
    try:
        text = path.read_text(encoding="utf-8") if text is None else text
    except FileNotFoundError:
        raise MissingFile("the release catalogue is missing", path, "Restore data/releases.toml from git or set OUTCOMES_CATALOGUE") from None
    except UnicodeDecodeError as e:
        raise CatalogueError(f"not UTF-8 text ({e.reason} at byte {e.start})", path, fix="Save it as UTF-8") from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        line = getattr(e, "lineno", None) or _line_of(str(e))
        raise CatalogueError(f"not valid TOML: {getattr(e, 'msg', e)}", path, line,
                             fix="Compare the entry with the ones above it (quotes, commas, brackets)") from None
    starts = [n for n, line in enumerate(text.splitlines(), start=1) if line.strip() == "[[release]]"]
    return doc, starts


def _line_of(message: str) -> int | None:
    m = re.search(r"line (\d+)", message)
    return int(m.group(1)) if m else None


_CROSSCHECK_KEYS = {"reader", "path", "sha256", "title"}


def _crosscheck(value: object, where: str) -> Crosscheck | None:
    """`crosscheck = { reader = "...", path = "...", sha256 = "..." }` (title optional)."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise CatalogueError(f"{where}: crosscheck must be a table: {{ reader = \"...\", path = \"...\", sha256 = \"...\" }}")
    unknown = set(value) - _CROSSCHECK_KEYS
    if unknown:
        raise CatalogueError(f"{where}: crosscheck has unknown key(s) {', '.join(sorted(unknown))}; "
                             f"allowed: {', '.join(sorted(_CROSSCHECK_KEYS))}")
    for key in ("reader", "path"):
        if not str(value.get(key, "")).strip():
            raise CatalogueError(f"{where}: crosscheck is missing '{key}'")
    if value["reader"] not in READERS:
        raise CatalogueError(f"{where}: crosscheck reader {value['reader']!r} is not one of {', '.join(READERS)}")
    return Crosscheck(str(value["reader"]), str(value["path"]), str(value.get("sha256", "")), str(value.get("title", "")))


def visible(releases: list[Release], now: dt.datetime | None = None,
            preview: frozenset[str] = frozenset()) -> list[Release]:
    """Releases published at or before now: the only ones any page or command may show.

    `preview`: ids a named reader may see early (outcomes.prerelease checked the token); each is
    shown only inside its own 24-hour window, whatever the caller passed.
    """
    now = now or settings.now()
    return [r for r in releases if r.is_visible(now) or (r.id in preview and r.in_preview_window(now))]


def previous_of(release: Release, releases: list[Release]) -> Release | None:
    """The latest release of the same series before this one (None: it is the first)."""
    earlier = [r for r in releases if r.series == release.series and r.as_at < release.as_at]
    return max(earlier, key=lambda r: r.as_at, default=None)


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
