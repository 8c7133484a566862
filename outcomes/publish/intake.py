"""Intake: `python -m outcomes intake FILE [--add]`: the catalogue entry a downloaded file would make.

The file's family and format come from its header (outcomes.sources.recognise), its "as at" date from its
title rows or name (or --as-at), and the rest from the family's defaults below: id, title, status, the
cut-off and its note, what the counts cover, the definition. A reader that takes several files (the LA
history: Ofsted's 2022 workbook, the ILACS history and the LA lookup) gets the others from the folder
the file is in, else from the latest release of that reader in the catalogue. Every file is pinned by
its sha256. `--add` appends the entry through the catalogue's one writer (outcomes.domain.catalogue);
nothing in data/ is built or changed. A new entry has no checklist sign-off: it is published only once
its checklist is signed (outcomes.domain.checklist).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from outcomes import settings
from outcomes.domain import catalogue
from outcomes.domain.fields import TYPES, Counts
from outcomes.domain.releases import Release, load_catalogue, sha256_of
from outcomes.domain.wording import long_date
from outcomes.errors import SourceError, UsageError
from outcomes.sources import reader_for
from outcomes.sources import recognise as recognising
from outcomes.sources.recognise import Recognised


@dataclass(frozen=True)
class Defaults:
    """What a new release of one reader starts with (the team edits what the comments point at)."""
    provider_type: str
    id: str                  # the id's stem; the as-at date follows
    title: str               # "... as at {date}"
    status: str
    cutoff_days: int         # the cut-off: this many days after the as-at date (a default, to check)
    counts: str
    definition: str          # "{date}": the as-at date in words
    cutoff_note: str = ""


_LA = ("Each local authority's latest graded inspection (single inspection framework from November 2013, ILACS "
       "from January 2018) starting on or before {date} and published by the release's cut-off.")
DEFAULTS: dict[str, Defaults] = {
    "social_care_providers": Defaults(
        "social_care_provider", "social-care-providers", "Children's social care providers: inspection outcomes as at {date}",
        "official", 30, "all_registered",
        "Every registered children's social care provider with its most recent full inspection as at {date}.",
        "30 April, as Ofsted's releases since 2017 state ('published by 30 April'): check this release's own wording."),
    "la_childrens_services_2013": Defaults(
        "la_childrens_services", "la-childrens-services", "Local authority children's services: inspection outcomes as at {date}",
        "management_information", 61, "all_registered", _LA),
    "la_childrens_services_overview": Defaults(
        "la_childrens_services", "la-childrens-services", "Local authority children's services: inspection outcomes as at {date}",
        "management_information", 61, "all_registered", "Each local authority's latest ILACS judgement as at {date}."),
    "area_send": Defaults(
        "area_send", "area-send", "Area SEND inspections (2023 framework): outcomes as at {date}", "management_information",
        90, "all_registered", "Latest full area SEND inspection of each local area starting on or before {date}."),
    "further_education": Defaults(
        "further_education", "further-education", "Further education and skills: inspection outcomes as at {date}",
        "management_information", 30, "all_registered",
        "Every further education and skills provider with its latest full inspection as at {date}."),
    "schools_official": Defaults(
        "state_funded_school", "state-funded-schools", "State-funded schools: inspection outcomes as at {date}", "official",
        30, "all_registered", "Every open state-funded school with its latest inspection as at {date}."),
    "schools_mi": Defaults(
        "state_funded_school", "state-funded-schools-mi", "State-funded schools: latest inspections as at {date} "
        "(management information, report cards)", "management_information", 0, "all_registered",
        "Every open state-funded school with its latest inspection as at {date}: its report card where it has one (from "
        "10 November 2025), its latest graded inspection and any older overall grade kept beside it, never pooled.",
        "The as-at date: the monthly file is a snapshot of the reports published by then."),
    "early_years": Defaults(
        "early_years", "early-years", "Early years providers: latest inspections as at {date} (management information)",
        "management_information", 0, "all_registered",
        "Every active provider on the Early Years Register with its latest inspection as at {date}: its report card where "
        "it has one; childminders are counted, never named or placed.",
        "The as-at date: the quarterly file is a snapshot of the reports published by then."),
    "schools_gias": Defaults(
        "state_funded_school", "state-funded-schools", "State-funded schools: latest ratings as at {date} (derived from GIAS)",
        "derived", 30, "all_registered", "Each rated state-funded school's latest overall rating as GIAS recorded it at {date}."),
    "schools_history_2018": Defaults(
        "state_funded_school", "state-funded-schools", "State-funded schools: latest inspection outcomes as at {date} "
        "(reconstructed)", "derived", 30, "all_registered",
        "Each state-funded school open at {date} with its latest rating on or before that date, rebuilt from a scraped history."),
}
_CLOSED = {(12, 25), (12, 26), (1, 1)}  # days no release is placed on (Christmas, Boxing Day, New Year's Day)
# The LA releases' cut-offs as Ofsted set them: 31 October for an autumn release (30 September).
AUTUMN_CUTOFF = (10, 31)


@dataclass
class Proposal:
    found: Recognised
    entry: dict | None                 # None: the file is not a release of its own (see `message`)
    comments: dict[str, str] = field(default_factory=dict)
    message: str = ""                  # what it is, and what to do with it
    exists: Release | None = None      # the catalogue's entry of the same id, if there is one

    def toml(self) -> str:
        return catalogue.entry_text(self.entry, self.comments) if self.entry else ""


def placeholder_time(today: dt.date) -> dt.datetime:
    """09:30 on the first working day four weeks or more ahead: a placeholder for the announced time."""
    day = today + dt.timedelta(days=28)
    while day.weekday() >= 5 or (day.month, day.day) in _CLOSED:
        day += dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(9, 30))


def propose(path: Path, as_at: dt.date | None = None, published: dt.datetime | None = None,
            source_dir: Path | None = None, releases: list[Release] | None = None) -> Proposal:
    """The entry `path` would add (or why it would add none)."""
    source_dir = Path(source_dir or settings.source_dir()).resolve()
    releases = releases if releases is not None else load_catalogue()
    found = recognising.recognise(path)
    family = found.family
    if family.role != "release":
        return Proposal(found, None, message=_not_a_release(found, source_dir))
    day = as_at or recognising.as_at_of(found)
    if day is None:
        raise UsageError(f"{found.family.label}: its 'as at' date is in neither its title rows nor its name", path,
                         fix="Give it with --as-at YYYY-MM-DD (LA children's services: 31 March or 30 September)")
    d = DEFAULTS[family.reader]
    rid = f"{d.id}-{day.isoformat()}"
    cutoff, note = _cutoff(d, day)
    entry = {
        "id": rid, "title": d.title.format(date=long_date(day)), "provider_type": d.provider_type, "as_at": day,
        "published": published or placeholder_time(settings.now().date()), "status": d.status, "reader": family.reader,
        "cutoff": cutoff, "cutoff_note": note, "counts": _counts(found, d, day),
        "definition": d.definition.format(date=long_date(day)),
        "coverage": "England", "source_publication": "", "source_published": "", "next_update": "",
        "sources": [{"path": p, "sha256": sha256_of(source_dir / p) if (source_dir / p).exists() else ""}
                    for p in _sources(found, source_dir, releases)],
    }
    comments = {
        "published": "placeholder: the announced publication time (09:30 London time on release day)",
        "cutoff": "check: the release's own cut-off (reports published by this date count)",
        "counts": "check: inspected_only where the file lists inspected providers only",
        "source_publication": "Ofsted's page for the release, and when it published it (source_published)",
    }
    exists = next((r for r in releases if r.id == rid), None)
    return Proposal(found, entry, comments, _summary(found, exists, entry), exists)


def _cutoff(d: Defaults, day: dt.date) -> tuple[dt.date, str]:
    if d.provider_type == "la_childrens_services" and (day.month, day.day) == (9, 30):
        return dt.date(day.year, *AUTUMN_CUTOFF), "Ofsted's autumn releases counted inspections 'published by 31 October'."
    # Ofsted's words are about its 31 March releases; a snapshot file's (no cut-off of its own) hold at any date.
    said = d.cutoff_note if (day.month, day.day) == (3, 31) or not d.cutoff_days else ""
    return day + dt.timedelta(days=d.cutoff_days), said or (
        f"Default: {d.cutoff_days} days after the as-at date, as this site's earlier releases of the family: "
        "set the release's own cut-off.")


def _relative(path: Path, source_dir: Path) -> str:
    try:
        return Path(path).resolve().relative_to(source_dir).as_posix()
    except ValueError:
        raise UsageError(f"{path} is not in the source folder {source_dir}", fix="Put the file in the source folder "
                         "(OUTCOMES_SOURCE, or --source) first: the catalogue names files relative to it") from None


def _counts(found: Recognised, d: Defaults, day: dt.date) -> str:
    """inspected_only for a provider-level file in which every provider has an inspection: Ofsted's
    files for some years list no provider not yet inspected, so their counts are of inspected ones."""
    if d.counts != Counts.ALL_REGISTERED or not TYPES[d.provider_type].has_places:
        return d.counts
    try:
        rows = reader_for(found.family.reader)([found.path], day).rows
    except SourceError:
        return d.counts  # the build will say what is wrong with the file; intake only proposes
    return Counts.INSPECTED_ONLY.value if len(rows) and rows["overall_published"].notna().all() else d.counts


def _sources(found: Recognised, source_dir: Path, releases: list[Release]) -> list[str]:
    """This file and the others its reader takes: each of another family from this file's folder
    where one is there, else as the latest release of the reader has it."""
    mine = _relative(found.path, source_dir)
    template = max((r for r in releases if r.reader == found.family.reader), key=lambda r: r.as_at, default=None)
    if template is None or len(template.sources) == 1:
        companions = [f for f in _folder(found.path) if f.family.reader == found.family.reader and f.family.role == "companion"]
        return [mine] + [_relative(f.path, source_dir) for f in companions]
    beside = {f.family.key: f.path for f in _folder(found.path)}
    out = []
    for s in template.sources:
        path = source_dir / s.path
        key = recognising.recognise(path).family.key if path.exists() else ""
        out.append(mine if key == found.family.key else _relative(beside[key], source_dir) if key in beside else s.path)
    return out if mine in out else [mine] + out


def _folder(path: Path) -> list[Recognised]:
    """The other files of the folder a file is in that are of a family this site reads."""
    out = []
    for other in sorted(Path(path).parent.iterdir()):
        if other.is_file() and other.resolve() != Path(path).resolve():
            try:
                out.append(recognising.recognise(other))
            except UsageError:
                continue  # not a file of a family: nothing to pair with
    return out


def _summary(found: Recognised, exists: Release | None, entry: dict) -> str:
    header = f", header on row {found.header_row}" if found.header_row else ""
    text = f"Recognised: {found.family.label} ({found.format}{header}); reader {found.family.reader}."
    if exists is not None:
        pinned = {s.path: s.sha256 for s in exists.sources}
        same = all(pinned.get(s["path"]) == s["sha256"] for s in entry["sources"])
        text += (f"\nThe catalogue already has {exists.id}" + (", pinned to these very files." if same else
                 f": if Ofsted revised its file, run python -m outcomes amend --release {exists.id} --reason \"...\"."))
    return text


def _not_a_release(found: Recognised, source_dir: Path) -> str:
    family = found.family
    text = f"Recognised: {family.label} ({found.format}). "
    if family.role == "lookup":
        return text + "It is not a release: every build reads it as the LA lookup (d2i_ilacs/Provider_data_lookup.csv)."
    if family.role == "companion":
        first = next(f for f in recognising.FAMILIES if f.reader == family.reader and f.role == "release")
        return text + f"It is the second file of a {family.reader} release: run intake on the first ({first.label})."
    path = _relative(found.path, source_dir)
    return text + ("It is a cross-check, not a release of its own: add this line to the release it checks:\n"
                   f'crosscheck = {{ reader = "{family.reader}", path = "{path}", sha256 = "{sha256_of(found.path)}", '
                   f'title = "{family.label}" }}')


def add(proposal: Proposal, path: Path | None = None) -> None:
    """Append the proposed entry through the catalogue writer (refused for a file that is no release
    of its own, or an id the catalogue has)."""
    if proposal.entry is None:
        raise UsageError("nothing to add: " + proposal.message.split("\n")[0])
    if proposal.exists is not None:
        raise UsageError(f"the catalogue already has {proposal.exists.id}", fix="A revised file is an amendment: "
                         f"python -m outcomes amend --release {proposal.exists.id} --reason \"...\"")
    catalogue.add(proposal.entry, proposal.comments, path)
