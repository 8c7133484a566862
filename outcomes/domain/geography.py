"""Local authorities and regions: one lookup, old -> current codes, names in every spelling.

Each LA is held as *versions*: an ONS code valid over a period. A release as at a date is
placed on the LAs of that date (EES convention: the geography of the time period), and every
version knows its current successor(s) so a time series can follow an area forward.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from outcomes.errors import MissingFile, OutcomesError, SourceError

ENGLAND = ("E92000001", "England")
WALES = ("W92000004", "Wales")  # ONS country code; a few providers in the 2025 file are in Wales

REGIONS: dict[str, str] = {
    "E12000001": "North East",
    "E12000002": "North West",
    "E12000003": "Yorkshire and The Humber",
    "E12000004": "East Midlands",
    "E12000005": "West Midlands",
    "E12000006": "East of England",
    "E12000007": "London",
    "E12000008": "South East",
    "E12000009": "South West",
}

LOOKUP_FILE = "d2i_ilacs/Provider_data_lookup.csv"

# The 22 Welsh principal areas. The 31 March 2025 social care file lists a few providers there;
# they are not in England and are kept out of England totals (counted, not dropped).
WELSH_AREAS = {
    "blaenau gwent", "bridgend", "caerphilly", "cardiff", "carmarthenshire", "ceredigion", "conwy",
    "denbighshire", "flintshire", "gwynedd", "isle of anglesey", "merthyr tydfil", "monmouthshire",
    "neath port talbot", "newport", "pembrokeshire", "powys", "rhondda cynon taf", "swansea",
    "torfaen", "vale of glamorgan", "wrexham",
}


@dataclass(frozen=True)
class Predecessor:
    """An LA (or an LA code) that no longer exists, with what replaced it."""
    name: str
    ons_code: str
    dfe_code: str
    region_code: str
    ended: dt.date
    successors: tuple[str, ...]
    note: str


# Local government changes since 2015 that the release files span. Sources: ONS "Code history
# database" and the Structural Changes Orders for each reorganisation.
PREDECESSORS: tuple[Predecessor, ...] = (
    Predecessor("Bournemouth", "E06000028", "837", "E12000009", dt.date(2019, 4, 1), ("E06000058",),
                "merged with Poole and Christchurch into Bournemouth, Christchurch and Poole (BCP) in April 2019"),
    Predecessor("Poole", "E06000029", "836", "E12000009", dt.date(2019, 4, 1), ("E06000058",),
                "merged with Bournemouth and Christchurch into Bournemouth, Christchurch and Poole (BCP) in April 2019"),
    Predecessor("Dorset", "E10000009", "835", "E12000009", dt.date(2019, 4, 1), ("E06000059",),
                "Dorset County Council was replaced by the Dorset Council unitary in April 2019; Christchurch moved to BCP"),
    Predecessor("Buckinghamshire", "E10000002", "825", "E12000008", dt.date(2020, 4, 1), ("E06000060",),
                "Buckinghamshire became a unitary authority in April 2020 (same area, new code)"),
    Predecessor("Northamptonshire", "E10000021", "928", "E12000004", dt.date(2021, 4, 1), ("E06000061", "E06000062"),
                "split into North Northamptonshire and West Northamptonshire in April 2021"),
    Predecessor("Cumbria", "E10000006", "909", "E12000002", dt.date(2023, 4, 1), ("E06000063", "E06000064"),
                "split into Cumberland and Westmorland and Furness in April 2023"),
    Predecessor("North Yorkshire", "E10000023", "815", "E12000003", dt.date(2023, 4, 1), ("E06000065",),
                "North Yorkshire became a unitary authority in April 2023 (same area, new code)"),
    Predecessor("Somerset", "E10000027", "933", "E12000009", dt.date(2023, 4, 1), ("E06000066",),
                "Somerset became a unitary authority in April 2023 (same area, new code)"),
    Predecessor("Barnsley", "E08000016", "370", "E12000003", dt.date(2024, 4, 1), ("E08000038",),
                "new ONS code from April 2024 after a small boundary change with Sheffield"),
    Predecessor("Sheffield", "E08000019", "373", "E12000003", dt.date(2024, 4, 1), ("E08000039",),
                "new ONS code from April 2024 after a small boundary change with Barnsley"),
)

# DfE's standard LA names (the names DfE's data screener accepts with each code: its lookup
# data/las.csv in github.com/dfe-analytical-services/dfe-published-data-qa) where the LA lookup
# we read (and DfE's LAIT code list) spells an LA otherwise. Keyed by DfE LA number.
DFE_STANDARD_NAMES: dict[str, str] = {
    "822": "Bedford",  # lookup: "Bedford Borough"
    "840": "County Durham",  # lookup: "Durham"
    "884": "Herefordshire, County of",  # lookup: "Herefordshire"
    "810": "Kingston upon Hull, City of",  # lookup: "Kingston Upon Hull, City of"
}

# Current authorities created by the changes above, and when their code started.
CREATED = {succ: p.ended for p in PREDECESSORS for succ in p.successors}


def normalise_name(name: object) -> str:
    """A spelling-independent key: 'Kingston upon Hull, City of' and 'Kingston Upon Hull' agree."""
    s = str(name or "").lower().strip()
    s = s.replace("&", " and ").replace("st.", "st ").replace("-", " ")
    s = re.sub(r",?\s*(city|county) of$", "", s)
    s = re.sub(r"^(city|county) of\s+", "", s)
    s = re.sub(r"^county\s+", "", s)
    s = re.sub(r"\s+(borough|council|city council|county council)$", "", s)
    s = re.sub(r"[^a-z ]", " ", s)
    return re.sub(r"\s+", " ", s).strip()


@dataclass(frozen=True)
class LaVersion:
    ons_code: str
    dfe_code: str
    name: str
    region_code: str
    valid_from: dt.date | None
    valid_to: dt.date | None  # exclusive
    successors: tuple[str, ...]  # current ONS codes covering this area (itself when current)
    note: str = ""
    urn: str = ""

    @property
    def region_name(self) -> str:
        return REGIONS[self.region_code]

    def valid_at(self, day: dt.date) -> bool:
        return (self.valid_from is None or day >= self.valid_from) and (self.valid_to is None or day < self.valid_to)


class UnknownArea(OutcomesError, LookupError):
    """A name or code the LA lookup does not know."""


@dataclass
class LaRegister:
    versions: list[LaVersion]
    aliases: dict[str, set[str]] = field(default_factory=dict)  # normalised name -> ONS codes
    stat_neighbours: dict[str, list[str]] = field(default_factory=dict)
    ons_types: dict[str, str] = field(default_factory=dict)

    @cached_property
    def by_code(self) -> dict[str, LaVersion]:
        return {v.ons_code: v for v in self.versions}

    @cached_property
    def current(self) -> list[LaVersion]:
        return [v for v in self.versions if v.valid_to is None]

    def _pick(self, candidates: list[LaVersion], day: dt.date) -> LaVersion:
        valid = [v for v in candidates if v.valid_at(day)]
        if valid:
            return valid[0]
        # A name of a former authority used after it ended (or a new one before it began):
        # keep the version the file names, latest first; QA reports the mismatch.
        return sorted(candidates, key=lambda v: v.valid_from or dt.date.min)[-1]

    def by_name(self, name: object, day: dt.date) -> LaVersion:
        key = normalise_name(name)
        codes = self.aliases.get(key)
        if not codes:
            raise UnknownArea(f"local authority {name!r} is not in the LA lookup")
        return self._pick([self.by_code[c] for c in sorted(codes)], day)

    def by_dfe(self, code: object, day: dt.date) -> LaVersion:
        c = str(code).strip().split(".")[0]
        cands = [v for v in self.versions if v.dfe_code == c]
        if not cands:
            raise UnknownArea(f"DfE LA number {code!r} is not in the LA lookup")
        return self._pick(cands, day)

    def by_ons(self, code: object, day: dt.date) -> LaVersion:
        c = str(code).strip()
        if c not in self.by_code:
            raise UnknownArea(f"ONS code {code!r} is not in the LA lookup")
        v = self.by_code[c]
        if v.valid_at(day):
            return v
        # Files written later often use today's code for an area; place it on the date's version.
        for p in self.versions:
            if c in p.successors and p.valid_at(day) and len(p.successors) == 1:
                return p
        return v

    def by_urn(self, urn: object, day: dt.date) -> LaVersion:
        u = str(urn).strip()
        cands = [v for v in self.versions if v.urn == u]
        if not cands:
            raise UnknownArea(f"LA URN {urn!r} is not in the LA lookup")
        return self._pick(cands, day)

    def to_frame(self) -> pd.DataFrame:
        rows = []
        for v in self.versions:
            rows.append({
                "new_la_code": v.ons_code, "old_la_code": v.dfe_code, "la_name": v.name,
                "region_code": v.region_code, "region_name": v.region_name,
                "valid_from": v.valid_from, "valid_to": v.valid_to,
                "successors": ",".join(v.successors), "is_current": v.valid_to is None,
                "note": v.note, "urn": v.urn, "la_type": self.ons_types.get(v.ons_code, ""),
                "stat_neighbours": ",".join(self.stat_neighbours.get(v.ons_code, [])),
                "search_names": "|".join(sorted(k for k, cs in self.aliases.items() if v.ons_code in cs)),
            })
        return pd.DataFrame(rows)


def _aliases_of(*names: object) -> set[str]:
    out = set()
    for n in names:
        if n is None or (isinstance(n, float) and pd.isna(n)):
            continue
        for part in str(n).strip("[]").split(","):
            # "[BCP, Bournemouth, Christchurch & Poole]" lists aliases separated by commas; the
            # full name itself may contain a comma ("Bristol, City of"), handled by normalise_name.
            if part.strip():
                out.add(normalise_name(part))
        out.add(normalise_name(n))
    return {a for a in out if a}


# The columns of the LA lookup the register reads (d2i_ilacs/Provider_data_lookup.csv).
LOOKUP_COLUMNS = ("urn", "la_code", "la_code_new", "local_authority_ons_name", "also_known_as", "rgn22nm",
                  "utla23nm", "ons_la_type", "stat_neighbours_la_code")


def load_register(source_dir: Path) -> LaRegister:
    """Build the register from the published LA lookup plus the hand-held list of changes."""
    path = Path(source_dir) / LOOKUP_FILE
    if not path.exists():
        raise MissingFile("the LA lookup is missing; it is needed to place every provider in an LA", path,
                          "Put Provider_data_lookup.csv there (see PROVENANCE.md) or point OUTCOMES_SOURCE at the folder holding it")
    try:
        raw = pd.read_csv(path, dtype=str, encoding="utf-8-sig")
    except (ValueError, pd.errors.ParserError) as e:  # UnicodeDecodeError and EmptyDataError are ValueErrors
        raise SourceError(path, None, None, f"the LA lookup cannot be read ({type(e).__name__}: {e})",
                          "Restore Provider_data_lookup.csv from PROVENANCE.md's source") from None
    missing = [c for c in LOOKUP_COLUMNS if c not in raw.columns]
    if missing:
        raise SourceError(path, 1, missing[0], "column missing from the LA lookup's header",
                          f"The lookup needs {', '.join(LOOKUP_COLUMNS)}")
    predecessor_dfe_ons = {(p.dfe_code, p.ons_code) for p in PREDECESSORS}
    reg = LaRegister(versions=[])
    region_by_name = {normalise_name(n): c for c, n in REGIONS.items()}
    urn_by_dfe = {}
    for row in raw.itertuples(index=False):
        urn_by_dfe.setdefault(row.la_code, row.urn)
        if (row.la_code, row.la_code_new) in predecessor_dfe_ons:
            continue  # the file's pre-reorganisation rows; held below with their end dates
        # The region *name* is used: the file's rgn22cd is wrong for a few LAs (Buckinghamshire
        # carries E12000004, East Midlands; Gloucestershire E12000003) while rgn22nm is right.
        region = region_by_name[normalise_name(row.rgn22nm)]
        name = DFE_STANDARD_NAMES.get(row.la_code, row.local_authority_ons_name)
        v = LaVersion(row.la_code_new, row.la_code, name, region,
                      CREATED.get(row.la_code_new), None, (row.la_code_new,), urn=row.urn)
        reg.versions.append(v)
        reg.ons_types[v.ons_code] = row.ons_la_type if isinstance(row.ons_la_type, str) else ""
        neighbours = row.stat_neighbours_la_code
        if isinstance(neighbours, str):
            reg.stat_neighbours[v.ons_code] = [c.strip() for c in neighbours.split(",") if c.strip()]
        for a in _aliases_of(name, row.local_authority_ons_name, row.also_known_as, row.utla23nm):
            reg.aliases.setdefault(a, set()).add(v.ons_code)
    for p in PREDECESSORS:
        # Where a predecessor followed an even earlier one (Dorset county began long before 2015),
        # valid_from is left open.
        reg.versions.append(LaVersion(p.ons_code, p.dfe_code, p.name, p.region_code, None, p.ended,
                                      p.successors, p.note, urn=urn_by_dfe.get(p.dfe_code, "")))
        reg.aliases.setdefault(normalise_name(p.name), set()).add(p.ons_code)
    # Neighbour lists written before a code change name the old code: follow it to the current one.
    renamed = {p.ons_code: p.successors[0] for p in PREDECESSORS if len(p.successors) == 1}
    reg.stat_neighbours = {k: [renamed.get(c, c) for c in v] for k, v in reg.stat_neighbours.items()}
    # Spellings seen in Ofsted files that the lookup does not carry.
    for alias, code in {"bedford": "E06000055", "durham": "E06000047", "herefordshire": "E06000019",
                        "bristol": "E06000023", "hull": "E06000010", "kingston upon hull": "E06000010",
                        "southend": "E06000033", "bcp": "E06000058", "helens": "E08000013"}.items():
        reg.aliases.setdefault(alias, set()).add(code)
    return reg


def is_welsh(name: object) -> bool:
    return normalise_name(name) in WELSH_AREAS


def resolve_la(register: LaRegister, key: str, value: object, day: dt.date) -> LaVersion:
    """The LA a file's cell names on `day`, whichever way the file names it (a reader's `la_key`:
    name, DfE number, ONS code or Ofsted LA URN). Raises UnknownArea."""
    if key == "name":
        return register.by_name(value, day)
    if key == "dfe":
        return register.by_dfe(value, day)
    if key == "ons":
        return register.by_ons(value, day)
    if key == "urn":
        return register.by_urn(value, day)
    raise ValueError(f"unknown la_key {key!r}")


def la_key_at(register: LaRegister, code: object, day: dt.date) -> str | None:
    """The code an LA is compared on at `day`: the version valid then, following a one-to-one code
    change either way (North Yorkshire E10000023 -> E06000065, Barnsley E08000016 -> E08000038),
    so that files written before and after a change line up. A split (Cumbria) is left as it is."""
    if code is None or (isinstance(code, float) and pd.isna(code)) or str(code).strip() == "":
        return None
    try:
        v = register.by_ons(code, day)  # a later code is placed on the version valid at the date
    except UnknownArea:
        return str(code)
    if not v.valid_at(day) and len(v.successors) == 1:
        succ = register.by_code.get(v.successors[0])
        if succ is not None and succ.valid_at(day):
            return succ.ons_code
    return v.ons_code


def same_area(code: str) -> set[str]:
    """An LA's code and the codes its area had before a change that did not split it (North
    Yorkshire's E10000023, Barnsley's E08000016; Bournemouth and Poole before BCP)."""
    return {code} | {p.ons_code for p in PREDECESSORS if p.successors == (code,)}


def profile_code(code: str) -> str:
    """LA profiles are for current authorities: a former one opens its (single) successor."""
    for p in PREDECESSORS:
        if p.ons_code == code and len(p.successors) == 1:
            return p.successors[0]
    return code
