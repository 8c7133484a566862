"""The one writer of the release catalogue (data/releases.toml): intake adds an entry, amend re-pins one.

tomlkit keeps the file's comments and layout as they are. Every write is checked first, the new text
parsed as a catalogue (releases.parse_text: every entry's fields, ids, readers), so a bad edit raises
with the entry at fault and writes nothing; and it is atomic (outcomes.atomic): a server reading the
catalogue sees the old file or the new, never part of one.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, TypeVar

import tomlkit
from tomlkit.items import AoT, Table

from outcomes import atomic, settings
from outcomes.domain.releases import parse_text

T = TypeVar("T")


def write(text: str, path: Path | None = None) -> None:
    """Write the catalogue's whole text, once it parses as a catalogue."""
    path = Path(path or settings.catalogue_path())
    parse_text(text, path)  # raises CatalogueError naming the entry at fault: nothing is written
    atomic.write_bytes(path, text.encode("utf-8"))


def edit(change: Callable[[tomlkit.TOMLDocument], T], path: Path | None = None) -> T:
    """Apply change(document) to the catalogue and write it; returns what change returned."""
    path = Path(path or settings.catalogue_path())
    doc = tomlkit.parse(path.read_text(encoding="utf-8"))
    result = change(doc)
    write(tomlkit.dumps(doc), path)
    return result


def entry_table(entry: dict, comments: dict[str, str] | None = None) -> Table:
    """One [[release]] as the catalogue lays its entries out: plain keys, `sources` one file a
    line, other tables inline. `comments`: a line above a key saying what to check there."""
    table = tomlkit.table()
    table.trivia.indent = "\n"  # a blank line before each [[release]], as the catalogue has
    for key, value in entry.items():
        if comments and key in comments:
            table.add(tomlkit.comment(comments[key]))
        if key == "sources":
            files = tomlkit.array()
            files.multiline(True)
            for source in value:
                files.append(_inline(source))
            table.add(key, files)
        elif isinstance(value, dict):
            table.add(key, _inline(value))
        else:
            table.add(key, value)
    return table


def _inline(values: dict) -> tomlkit.items.InlineTable:
    out = tomlkit.inline_table()
    out.update(values)
    return out


def entry_text(entry: dict, comments: dict[str, str] | None = None) -> str:
    """The TOML of one entry, exactly as `add` writes it."""
    doc = tomlkit.document()
    doc.add("release", AoT([entry_table(entry, comments)]))
    return tomlkit.dumps(doc).strip() + "\n"


def add(entry: dict, comments: dict[str, str] | None = None, path: Path | None = None) -> None:
    """Append one [[release]] at the end of the catalogue."""
    def append(doc: tomlkit.TOMLDocument) -> None:
        if "release" not in doc:
            doc.add("release", AoT([]))
        doc["release"].append(entry_table(entry, comments))
    edit(append, path)
