"""The QA checklist of every release, and whether it is complete: a release is public only once it is.

The items of each release family are in checklist.toml beside this module. The build ticks what it
checked itself (outcomes.quality.checklist; data/qa/checklist_build.json, rewritten for each release it
builds); a named person signs the rest, with a note (`python -m outcomes checklist RELEASE --sign NAME
--item ID --note TEXT`; data/checklist_signoffs.csv, never committed, kept by `make clean`). A catalogue
entry's `checklist = { signed_by, signed, note }` records a sign-off of every person's item made before
this checklist existed (the releases first published on 20 November 2026).

A release whose checklist is not complete at its publication time is not published
(outcomes.domain.releases.visible): the public sees the previous release, the calendar and
`python -m outcomes releases` say it is delayed (Ofsted's release policy asks for a delay to be
announced), and it is published as soon as the last item is signed. The sign-offs count for the
release, whatever its version: an amendment (outcomes.publish.amend) is published at once, as before.
"""
from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import os
import threading
import tomllib
from dataclasses import dataclass
from pathlib import Path

from outcomes import atomic, settings
from outcomes.errors import CatalogueError, UsageError

DEFINITIONS = Path(__file__).with_name("checklist.toml")
SIGNOFFS = "checklist_signoffs.csv"                # under data/: people's sign-offs
BUILD_TICKS = Path("qa") / "checklist_build.json"  # under data/: what the build checked, per release
SIGNOFF_COLUMNS = ["release_id", "version", "item", "signed_by", "signed_at", "note"]
BUILD, PERSON, EITHER = "build", "person", "build or person"
EVERY_PERSON_ITEM = "*"  # a catalogue record signs every item a person signs


@dataclass(frozen=True)
class Item:
    id: str
    label: str
    by: str
    hint: str = ""
    families: tuple[str, ...] = ()  # provider types (every type when empty)


@dataclass(frozen=True)
class Signoff:
    item: str
    signed_by: str
    signed_at: dt.datetime | dt.date
    note: str


@dataclass(frozen=True)
class Line:
    """One item of a release's checklist as the page and the command show it."""
    item: Item
    done: bool
    by: str      # "the build", or who signed ("" when not done)
    at: dt.datetime | dt.date | None  # when (None when not done)
    note: str    # the build's note or the signer's
    found: str   # what the build found, beside an item a person signs


@functools.lru_cache(maxsize=1)
def definitions() -> tuple[Item, ...]:
    doc = tomllib.loads(DEFINITIONS.read_text(encoding="utf-8"))
    return tuple(Item(i["id"], i["label"], i["by"], i.get("hint", ""), tuple(i.get("families", ()))) for i in doc["item"])


def items_for(provider_type: str) -> list[Item]:
    """The checklist of one release family."""
    return [i for i in definitions() if not i.families or provider_type in i.families]


def signoff_record(value: object, where: str) -> Signoff | None:
    """A catalogue entry's `checklist = { signed_by, signed, note }` (None when absent)."""
    if value is None:
        return None
    if not isinstance(value, dict) or not all(str(value.get(k, "")).strip() for k in ("signed_by", "signed", "note")):
        raise CatalogueError(f"{where}: checklist must be {{ signed_by = \"...\", signed = YYYY-MM-DD, note = \"...\" }}")
    signed = value["signed"] if isinstance(value["signed"], dt.date) else dt.date.fromisoformat(str(value["signed"]))
    return Signoff(EVERY_PERSON_ITEM, str(value["signed_by"]), signed, str(value["note"]))


# -- the two files, each read once per change (every page run asks which releases are public) --

def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    return info.st_mtime_ns, info.st_size


@functools.lru_cache(maxsize=8)
def _signoffs(path: str, stamp: tuple[int, int] | None) -> dict[str, tuple[Signoff, ...]]:
    if stamp is None:
        return {}
    out: dict[str, list[Signoff]] = {}
    with open(path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            out.setdefault(r["release_id"], []).append(
                Signoff(r["item"], r["signed_by"], dt.datetime.fromisoformat(r["signed_at"]), r["note"]))
    return {k: tuple(v) for k, v in out.items()}


@functools.lru_cache(maxsize=8)
def _ticks(path: str, stamp: tuple[int, int] | None) -> dict[str, dict]:
    if stamp is None:
        return {}
    return json.loads(Path(path).read_text(encoding="utf-8"))


def signoffs(data_dir: Path | None = None) -> dict[str, tuple[Signoff, ...]]:
    path = Path(data_dir or settings.data_dir()) / SIGNOFFS
    return _signoffs(str(path), _stamp(path))


def build_ticks(data_dir: Path | None = None) -> dict[str, dict]:
    """{release id: {"version", "built_at", "items": {item id: {"ok", "note"}}}} as the build left them."""
    path = Path(data_dir or settings.data_dir()) / BUILD_TICKS
    return _ticks(str(path), _stamp(path))


# -- a release's checklist --

def lines(release, data_dir: Path | None = None) -> list[Line]:
    """Each item of the release's checklist: done or not, by whom, when, and the note."""
    ticks = build_ticks(data_dir).get(release.id, {}).get("items", {})
    signed = {s.item: s for s in signoffs(data_dir).get(release.id, ())}  # the latest sign-off of each item
    record = getattr(release, "checklist", None)
    out = []
    for item in items_for(release.provider_type):
        tick = ticks.get(item.id, {})
        found = str(tick.get("note", ""))
        person = signed.get(item.id) or (record if record is not None and item.by != BUILD else None)
        if item.by != PERSON and tick.get("ok"):
            out.append(Line(item, True, "the build", ticks_at(data_dir, release.id), found, ""))
        elif item.by != BUILD and person is not None:
            out.append(Line(item, True, person.signed_by, person.signed_at, person.note, found))
        else:
            out.append(Line(item, False, "", None, "", found))
    return out


def ticks_at(data_dir: Path | None, release_id: str) -> dt.datetime | None:
    built = build_ticks(data_dir).get(release_id, {}).get("built_at")
    return dt.datetime.fromisoformat(built) if built else None


def missing(release, data_dir: Path | None = None) -> list[Item]:
    return [line.item for line in lines(release, data_dir) if not line.done]


_memo: dict[tuple, tuple[tuple, frozenset[str]]] = {}
_memo_lock = threading.Lock()


def files_key(data_dir: Path | None = None) -> tuple:
    """What the checklists of a data folder depend on: the folder and both files' versions (a cache of
    anything showing a checklist keys on it: a person may sign an item after publication)."""
    data = Path(data_dir or settings.data_dir())
    return str(data), _stamp(data / SIGNOFFS), _stamp(data / BUILD_TICKS)


def complete_ids(releases, data_dir: Path | None = None) -> frozenset[str]:
    """The ids of the releases whose checklist is complete. Asked on every page run, so kept until
    either file changes; keyed by the Release objects themselves (load_catalogue returns the same
    frozen ones until the catalogue changes), which the entry keeps alive so no id is reused."""
    data = Path(data_dir or settings.data_dir())
    key = (files_key(data), tuple(map(id, releases)))
    hit = _memo.get(key)
    if hit is None:
        kept = tuple(releases)
        hit = (kept, frozenset(r.id for r in kept if not missing(r, data)))
        with _memo_lock:
            if len(_memo) > 32:
                _memo.clear()  # the catalogue or a file changed many times: start again
            _memo[key] = hit
    return hit[1]


# -- writing: the people's sign-offs, and the build's ticks --

def sign(release, item_ids: list[str], name: str, note: str, data_dir: Path | None = None,
         now: dt.datetime | None = None) -> None:
    """Record `name`'s sign-off of these items of the release, with a note (atomically)."""
    items = {i.id: i for i in items_for(release.provider_type)}
    if not name.strip() or not note.strip():
        raise UsageError("a sign-off needs the signer's name and a note", fix="--sign \"A. Analyst\" --note \"what you checked\"")
    for item_id in item_ids:
        if item_id not in items:
            raise UsageError(f"{release.id} has no checklist item {item_id!r}", fix=f"Its items: {', '.join(items)}")
        if items[item_id].by == BUILD:
            raise UsageError(f"{item_id} is ticked by the build only", fix="Fix what the build found and build the release again")
    path = Path(data_dir or settings.data_dir()) / SIGNOFFS
    when = (now or settings.now()).isoformat(timespec="seconds")
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if not old:
        writer.writerow(SIGNOFF_COLUMNS)
    for item_id in item_ids:
        writer.writerow([release.id, release.version, item_id, name.strip(), when, note.strip()])
    atomic.write_bytes(path, (old + buf.getvalue()).encode("utf-8"))


def record_build(data_dir: Path, ticks: dict[str, dict]) -> None:
    """Keep what the build checked for each release it built now, beside the others' (atomically)."""
    if not ticks:
        return
    path = Path(data_dir) / BUILD_TICKS
    kept = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    kept.update(ticks)
    atomic.write_bytes(path, (json.dumps(kept, indent=1, sort_keys=True) + "\n").encode("utf-8"))
