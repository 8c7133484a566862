"""Ofsted's workbook "Children's social care data in England 2022" (published 7 July 2022):
each LA's inspection history back to the single inspection framework (Tables 10 and 11), and
the LA-level table as at 31 March 2022 (a cross-check).

The workbook is Ofsted's official statistics; the compiled ILACS history (Data to Insight) adds
every ILACS inspection with its start date and report, and the inspections after 2022.
"""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from outcomes.domain.geography import PREDECESSORS, normalise_name
from outcomes.sources import la_childrens_services as ilacs
from outcomes.sources.base import (
    JUDGEMENT_PREFIX, READER_COLUMNS, SourceError, SourceTable, clean_header, find_column, parse_date,
    parse_dates, read_sheet_table,
)

PROVIDER_TYPE = "la_childrens_services"
HISTORY_SHEET = "LA_inspections_2009-2022"
LA_LEVEL_SHEET = "LA_level_at_31_Mar_2022"

# Judgements of both frameworks. Ofsted's own LA-level table (LA_level_at_31_Mar_2022) lists an
# authority last inspected under the SIF under the ILACS headings: SIF leadership, management and
# governance as impact of leaders, children who need help and protection as help and protection,
# children looked after and achieving permanence as children in care. The same is done here;
# adoption performance and the LSCB review were SIF only.
JUDGEMENTS = {
    **ilacs.JUDGEMENTS,
    "impact_of_leaders": "The impact of leaders on social work practice (SIF: leadership, management and governance)",
    "in_care": "The experiences and progress of children in care (SIF: children looked after and achieving permanence; "
               "ILACS before 2023: children in care and care leavers)",
    "care_leavers": "The experiences and progress of care leavers (SIF sub-judgement; ILACS from January 2023)",
    "adoption": "Adoption performance (SIF sub-judgement)",
    "lscb": "Review of the Local Safeguarding Children Board (SIF; the board, not the LA)",
}

# Table 10/11 column prefixes of each graded event, and the judgement each column gives.
_EVENTS = {
    "SIF": ("First SIF", "Single inspection framework (SIF)"),
    "SIF re-inspection": ("SIF Re-inspection", "Single inspection framework (SIF) re-inspection"),
}
_SIF_COLUMNS = {
    "overall": r"{p} overall judgement (\(oe\))?",
    "help_and_protection": r"{p} children who need help and protection",
    "in_care": r"{p} children looked after and achieving permanence",
    "adoption": r"{p} cla sub: adoption performance",
    "care_leavers": r"{p} cla sub: experiences and progress of care leavers",
    "impact_of_leaders": r"{p} leadership, management and governance",
}
_ILACS_COLUMNS = {
    "overall": r"ilacs framework overall effectiveness",
    "impact_of_leaders": r"ilacs framework impact of leaders",
    "help_and_protection": r"ilacs framework experiences and progress of children who need help and protection",
    "in_care": r"ilacs framework experiences and progress of children in care and care leavers",
}
# Table 11 lists Bournemouth, Dorset (county) and Poole, which ended on 1 April 2019 (BCP and the
# Dorset unitary replaced them). Table 10 lists the successors, with Dorset county's SIF
# inspection under the new Dorset: before that date Table 11's rows stand instead.
REORGANISED = dt.date(2019, 4, 1)
_SUCCESSORS_2019 = {"bournemouth christchurch and poole", "dorset"}
# Same inspection in both sources: reports published this close (the workbook dates some ILACS
# reports to a month end).
MATCH_DAYS = 45
_NO_GRADE = {"", "-", "nan", "none"}


def _cell(v: object) -> str | None:
    s = re.sub(r"\s+", " ", str(v if v is not None else "")).strip()
    return None if s.lower() in _NO_GRADE else s


def _col(headers: list[str], pattern: str, path: Path, row: int) -> int:
    for i, h in enumerate(headers):
        if re.fullmatch(pattern, h.lower()):
            return i
    raise SourceError(path, row, pattern, "expected column not found in Table 10/11",
                      "Check this is Ofsted's 'Children's social care data in England' workbook")


def _date(path: Path, row: int, column: str, v: object) -> dt.date | None:
    try:
        return parse_date(v)
    except ValueError as e:
        raise SourceError(path, row, column, str(e), "Dates must be day/month/year") from None


def _stamp(path: Path) -> tuple[float, int]:
    """What the caches key a file on besides its path: a changed file is read again."""
    st = path.stat()
    return st.st_mtime, st.st_size


@lru_cache(maxsize=4)
def _la_level(path: Path, stamp: tuple[float, int]) -> pd.DataFrame:
    return read_la_level_2022([path], dt.date(2022, 3, 31)).rows


@lru_cache(maxsize=4)
def _table_10_11(path: Path, stamp: tuple[float, int]) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Every graded LA event of Tables 10 and 11 (SIF, SIF re-inspection, ILACS), one row each.

    Cached per file version: every LA release of the build reads the same workbook."""
    raw = pd.read_excel(path, sheet_name=HISTORY_SHEET, header=None, dtype=str)
    raw = raw.where(raw.notna(), "")
    cells = [[str(c) for c in r] for r in raw.itertuples(index=False)]
    header_rows = [i for i, r in enumerate(cells) if len(r) > 1 and clean_header(r[1]).lower() == "local authority name"]
    if len(header_rows) != 2:
        raise SourceError(path, None, "Local authority name", f"expected two tables (10 and 11) in sheet {HISTORY_SHEET}, "
                          f"found {len(header_rows)} header rows", "Check the workbook's layout has not changed")
    events, notes = [], []
    for table, start in (("10", header_rows[0]), ("11", header_rows[1])):
        headers = [clean_header(h) for h in cells[start]]
        line = start + 1
        sif = {e: {k: _col(headers, p.format(p=re.escape(prefix.lower())), path, line) for k, p in _SIF_COLUMNS.items()}
               for e, (prefix, _) in _EVENTS.items()}
        sif_dates = {e: _col(headers, rf"single inspection of la children's services \(sif\) {re.escape(prefix.lower())} publication date",
                             path, line) for e, (prefix, _) in _EVENTS.items()}
        lscb = _col(headers, r"lscb overall effectiveness", path, line)
        il = {k: _col(headers, p, path, line) for k, p in _ILACS_COLUMNS.items()}
        il_type, il_date = _col(headers, r"ilacs framework inspection type", path, line), _col(headers, r"ilacs framework publication date", path, line)
        for i in range(start + 1, len(cells)):
            r = cells[i]
            if not _cell(r[1]):
                break  # the blank row that ends the table
            row, name = i + 1, _cell(r[1])
            for e, (_, framework) in _EVENTS.items():
                pub = _date(path, row, headers[sif_dates[e]], r[sif_dates[e]])
                if pub is None:
                    continue
                ev = {"table": table, "source_row": row, "name": name, "link": r[0], "inspection_type": framework,
                      "publication_date": pub, "overall_published": _cell(r[sif[e]["overall"]])}
                for j in ("help_and_protection", "in_care", "adoption", "care_leavers", "impact_of_leaders"):
                    ev[j] = _cell(r[sif[e][j]])
                ev["lscb"] = _cell(r[lscb]) if e == "SIF" else None
                events.append(ev)
            pub = _date(path, row, headers[il_date], r[il_date])
            if pub is not None:
                kind = _cell(r[il_type]) or "ILACS"
                events.append({"table": table, "source_row": row, "name": name, "link": r[0],
                               "inspection_type": kind if kind.lower().startswith("ilacs") else f"ILACS {kind.lower()} inspection",
                               "publication_date": pub, "overall_published": _cell(r[il["overall"]]),
                               **{j: _cell(r[c]) for j, c in il.items() if j != "overall"}})
        notes.append(f"Table {table}: {sum(e['table'] == table for e in events)} graded inspections (SIF, SIF re-inspection, "
                     f"latest ILACS) of {len({e['name'] for e in events if e['table'] == table})} local authorities")
    return pd.DataFrame(events), tuple(notes)


def _urn_by_name(lookup: Path) -> dict[str, str]:
    """Ofsted LA URN of each LA name and alias in the LA lookup (Provider_data_lookup.csv)."""
    frame = pd.read_csv(lookup, dtype=str, encoding="utf-8-sig")
    out: dict[str, str] = {}
    for r in frame.itertuples(index=False):
        names = [r.local_authority_ons_name] + (str(r.also_known_as).strip("[]").split(",") if isinstance(r.also_known_as, str) else [])
        for n in names:
            out.setdefault(normalise_name(n), str(r.urn))
    return out


def _current_names(lookup: Path) -> set[str]:
    """Names of the authorities that exist now, from the LA lookup (its pre-reorganisation rows left out)."""
    frame = pd.read_csv(lookup, dtype=str, encoding="utf-8-sig")
    old = {(p.dfe_code, p.ons_code) for p in PREDECESSORS}
    return {normalise_name(n) for n, d, o in zip(frame["local_authority_ons_name"], frame["la_code"], frame["la_code_new"])
            if (d, o) not in old}


def _link_urn(link: str) -> str | None:
    m = re.search(r"/provider/44/(\d+)", link or "")
    return m.group(1) if m else None


def _paths(paths: list[Path]) -> tuple[Path, Path, Path]:
    by = {}
    for p in map(Path, paths):
        key = "workbook" if p.suffix.lower() == ".xlsx" else "lookup" if "lookup" in p.name.lower() else "history"
        by[key] = p
    if set(by) != {"workbook", "history", "lookup"}:
        raise SourceError(paths[0] if paths else "", None, None, "expected Ofsted's 2022 workbook (.xlsx), the compiled "
                          "ILACS history (.csv) and the LA lookup (Provider_data_lookup.csv)", "List the three files in the catalogue")
    return by["workbook"], by["history"], by["lookup"]


def read_history(paths: list[Path], as_at: dt.date) -> SourceTable:
    """Every graded inspection of every LA from the SIF (November 2013) on, one row each.

    The SIF inspections come from Ofsted's workbook (Tables 10 and 11); the ILACS inspections
    from the compiled history, with the workbook's grades where both hold the same inspection
    (Ofsted's table is the authority; the compiled file gives start dates and report links). An
    ILACS inspection only the workbook holds is kept. Inspections under the frameworks before the
    SIF (SLAC, CPI, TLAC, 2009-2013) are not graded on the same scale and are left out.
    """
    workbook, history_path, lookup = _paths(paths)
    events, table_notes = _table_10_11(workbook, _stamp(workbook))
    notes = [f"read {workbook.name}, sheet {HISTORY_SHEET}"] + list(table_notes)
    urns = _urn_by_name(lookup)
    events = _las_at_date(_with_urns(events, urns, workbook), lookup, as_at, notes)

    compiled = ilacs.read([history_path], as_at)
    c = compiled.rows.copy()
    c["urn"] = c["urn"].astype(str)
    matched_wb, matched_c, checks = _overlap(events, c, workbook, notes)
    _fill_from_la_level(c, workbook, urns, notes)
    c = _without_reports_before_ilacs(c, matched_c, notes)
    only_wb = events[~events.index.isin(matched_wb)]
    name_of = {u: n for n, u in ((e["name"], e["urn"]) for _, e in events.iterrows())}
    c["la_published"] = [name_of.get(u) or n for u, n in zip(c["urn"], c["provider_name"])]

    rows = _history_rows(only_wb, c)
    ilacs.check_labels(rows, PROVIDER_TYPE, workbook, ["overall_published"] + [JUDGEMENT_PREFIX + j for j in JUDGEMENTS])
    notes.append(f"{len(rows)} graded inspections: {len(only_wb)} from the workbook only, {len(c)} from the compiled "
                 "history. Rows numbered 1000 and above are line (number - 1000) of the compiled history.")
    notes.append("Northamptonshire (to 2021) is in neither file: North and West Northamptonshire start at their own inspections.")
    notes += [n for n in compiled.notes if "reformed" in n]
    return SourceTable(PROVIDER_TYPE, workbook, rows, "name", dict(JUDGEMENTS), notes, 0, True, checks)


def _with_urns(events: pd.DataFrame, urns: dict[str, str], workbook: Path) -> pd.DataFrame:
    """A copy of the events with each LA's Ofsted URN: from Table 11's report link, else the LA lookup by name."""
    events = events.copy()
    events["urn"] = [(_link_urn(l) if t == "11" else None) or urns.get(normalise_name(n))
                     for t, l, n in zip(events["table"], events["link"], events["name"])]
    unknown = events[events["urn"].isna()]
    if len(unknown):
        r = unknown.iloc[0]
        raise SourceError(workbook, int(r["source_row"]), "Local authority name", f"{r['name']!r} is not in the LA lookup",
                          "Add the spelling to the lookup's also_known_as or to outcomes/geography.py")
    return events


def _las_at_date(events: pd.DataFrame, lookup: Path, as_at: dt.date, notes: list[str]) -> pd.DataFrame:
    """The events of the authorities that exist at `as_at`: one side of the 2019 Dorset reorganisation,
    and no authority that had ended by then."""
    before = as_at < REORGANISED
    successor = events["name"].map(normalise_name).isin(_SUCCESSORS_2019) & (events["table"] == "10")
    drop = (events["table"] == "11") if not before else successor
    notes.append(("Table 11 (Bournemouth, Dorset county and Poole, which ended on 1 April 2019) left out at this date"
                  if not before else "BCP and the Dorset unitary (from 1 April 2019) left out at this date: Table 11's "
                  "Bournemouth, Dorset county and Poole stand instead") + f" ({int(drop.sum())} inspections)")
    # An authority that ended with no successor of its name (Cumbria in April 2023) stops being
    # counted on that date: its successors are counted from their own inspections.
    current = _current_names(lookup)
    ended = {normalise_name(p.name): p.ended for p in PREDECESSORS if normalise_name(p.name) not in current}
    gone = events["name"].map(lambda n: ended.get(normalise_name(n), dt.date.max) <= as_at)
    if gone.any():
        notes.append(f"{', '.join(sorted(set(events.loc[gone, 'name'])))} ended before this date: "
                     f"{int(gone.sum())} inspections left out")
    return events[~drop & ~gone]


def _fill_from_la_level(c: pd.DataFrame, workbook: Path, urns: dict[str, str], notes: list[str]) -> None:
    """Fill in `c` (in place) the grades the compiler could not read that Ofsted's LA-level table gives."""
    # Ofsted's LA-level table gives each LA's latest inspection as at 31 March 2022 with its start
    # date: it supplies a grade the compiler could not read (Southend-on-Sea's 2019 ILACS, missing
    # from Table 10) when the start dates agree.
    level = _la_level(workbook, _stamp(workbook)).copy()
    level["urn"] = [urns.get(normalise_name(n)) for n in level["provider_name"]]
    filled = []
    for k in c.index[c["overall_published"] == ilacs.UNREADABLE]:
        hit = level[(level["urn"] == c.at[k, "urn"]) & (level["inspection_start_date"] == c.at[k, "inspection_start_date"])]
        if len(hit) and hit["overall_published"].iloc[0]:
            h = hit.iloc[0]
            c.at[k, "overall_published"] = h["overall_published"]
            for j in _LA_LEVEL:
                if c.at[k, JUDGEMENT_PREFIX + j] in (None, ilacs.UNREADABLE) and h[JUDGEMENT_PREFIX + j]:
                    c.at[k, JUDGEMENT_PREFIX + j] = h[JUDGEMENT_PREFIX + j]
            filled.append(f"{h['provider_name']} (started {h['inspection_start_date']})")
    if filled:
        notes.append(f"{len(filled)} grade(s) the compiler could not read taken from Ofsted's LA-level table as at "
                     f"31 March 2022 (same start date): {'; '.join(filled)}")


def _without_reports_before_ilacs(c: pd.DataFrame, matched_c: set, notes: list[str]) -> pd.DataFrame:
    """The compiled history without its unmatched reports from before ILACS."""
    # The compiled file's reports before ILACS are SIF (or older) reports it could not read: the
    # workbook lists every SIF inspection with its grades, so these are set aside.
    pre = c["inspection_type"].isna() & c["publication_date"].map(lambda d: d is not None and d < dt.date(2018, 9, 1))
    pre &= ~c.index.isin(matched_c)
    notes.append(f"{int(pre.sum())} reports of the compiled history before ILACS (no framework, published before "
                 "September 2018; almost all unreadable) set aside: the workbook gives the SIF inspections")
    return c[~pre]


def _history_rows(only_wb: pd.DataFrame, c: pd.DataFrame) -> pd.DataFrame:
    """The inspections only the workbook holds, then the compiled history's, in the reader's columns."""
    extra = ["report_url"]
    cols = READER_COLUMNS + [JUDGEMENT_PREFIX + j for j in JUDGEMENTS] + extra
    wb_rows = pd.DataFrame({
        "source_row": only_wb["source_row"], "urn": only_wb["urn"], "provider_name": only_wb["name"],
        "provider_subtype": ilacs.SUBTYPE, "la_published": only_wb["name"], "inspection_id": None,
        "inspection_type": only_wb["inspection_type"], "inspection_start_date": None,
        "publication_date": only_wb["publication_date"], "overall_published": only_wb["overall_published"],
        **{JUDGEMENT_PREFIX + j: only_wb[j] if j in only_wb else None for j in JUDGEMENTS}, "report_url": None,
    })
    # Workbook rows keep their sheet row; compiled rows are numbered after them (the table's rows
    # name two files: source_row below 1000 is the workbook, 1000 + line the compiled CSV).
    compiled = c.assign(source_row=c["source_row"].astype(int) + 1000)
    rows = pd.concat([wb_rows.reindex(columns=cols), compiled.reindex(columns=cols)], ignore_index=True).astype(object)
    rows = rows.where(rows.notna(), None)
    rows["source_row"] = rows["source_row"].astype(int)
    return rows


def _overlap(events: pd.DataFrame, c: pd.DataFrame, workbook: Path, notes: list[str]) -> tuple[set, set, list]:
    """Match the workbook's ILACS inspections (each LA's latest by 2022) with the compiled history's
    and check they agree: same LA, report published within MATCH_DAYS, same overall grade. The
    workbook's grades are kept (Ofsted's table is the authority); `c` is updated in place.
    Returns the matched workbook and compiled indexes and the QA checks (severity, check, message,
    row, column)."""
    wb_ilacs = events[events["inspection_type"].str.startswith("ILACS")]
    matched_wb, matched_c, checks, fills, agree, days = set(), set(), [], 0, 0, []
    for i, w in wb_ilacs.iterrows():
        mine = c[(c["urn"] == w["urn"]) & ~c.index.isin(matched_c)]
        near = [(abs((p - w["publication_date"]).days), k) for k, p in zip(mine.index, mine["publication_date"]) if p is not None]
        near = [x for x in near if x[0] <= MATCH_DAYS]
        if not near:
            checks.append(("warning", "sources_overlap", f"{w['name']}: the workbook's ILACS inspection published "
                           f"{w['publication_date']} ({w['overall_published']}) is not in the compiled history (no report "
                           f"published within {MATCH_DAYS} days): kept from the workbook, with no start date",
                           int(w["source_row"]), "ILACS framework publication date"))
            continue
        gap, k = min(near)
        matched_wb.add(i)
        matched_c.add(k)
        days.append(gap)
        theirs, ours = str(c.at[k, "overall_published"] or ""), w["overall_published"]
        if theirs == ilacs.UNREADABLE:
            fills += 1
        elif ilacs.grade_of(PROVIDER_TYPE, theirs) != ilacs.grade_of(PROVIDER_TYPE, ours):
            checks.append(("warning", "sources_overlap", f"{w['name']}: ILACS inspection published {w['publication_date']}: "
                           f"the workbook says {ours}, the compiled history {theirs} (line {int(c.at[k, 'source_row'])}): "
                           "the workbook's grade is used; check the report", int(w["source_row"]), "ILACS framework overall effectiveness"))
        else:
            agree += 1
        c.at[k, "overall_published"] = ours
        for j in ("impact_of_leaders", "help_and_protection", "in_care"):
            if w[j]:
                c.at[k, JUDGEMENT_PREFIX + j] = w[j]
    exact = sum(d == 0 for d in days)
    checks.insert(0, ("info", "sources_overlap",
                      f"Ofsted's workbook (Table 10/11) and the compiled ILACS history, where both hold an ILACS inspection "
                      f"(2018 to March 2022): {len(matched_wb)} of the workbook's {len(wb_ilacs)} found in the compiled "
                      f"history; overall grade agrees for {agree}, {fills} the compiler could not read (the workbook's used), "
                      f"{len(matched_wb) - agree - fills} differ. Publication dates agree exactly for {exact} of {len(days)}; "
                      f"the rest differ by up to {max(days, default=0)} days (the workbook dates some reports to a month end).",
                      None, ""))
    notes.append(f"{len(matched_wb)} of the workbook's {len(wb_ilacs)} ILACS inspections matched in the compiled history "
                 "(see the sources_overlap check)")
    return matched_wb, matched_c, checks


_LA_LEVEL = {
    "impact_of_leaders": r"impact of leaders",
    "help_and_protection": r"experiences and progress of children who need help and protection",
    "in_care": r"experiences and progress of children in care and care leavers",
}


def read_la_level_2022(paths: list[Path], as_at: dt.date) -> SourceTable:
    """Ofsted's LA-level table as at 31 March 2022 (sheet LA_level_at_31_Mar_2022): each LA's
    latest inspection (SIF or ILACS) with its start date, for the cross-check. LAs named by name."""
    path = Path(paths[0])
    raw, info = read_sheet_table(path, ("Local authority name", "Inspection date", "Overall effectiveness"), sheet=LA_LEVEL_SHEET)
    col = lambda p: find_column(raw, p, path=path)
    names = [_cell(v) for v in raw[col(r"local authority name")]]
    frame = pd.DataFrame({"source_row": raw["source_row"], "urn": names, "la_published": names, "provider_name": names,
                          "provider_subtype": ilacs.SUBTYPE})
    # An LA with no inspection under the SIF or ILACS yet reads "No full inspection" here.
    date_col = col(r"inspection date")
    none_yet = raw[date_col].str.strip().str.lower() == "no full inspection"
    raw.loc[none_yet, date_col] = ""
    frame["inspection_start_date"] = parse_dates(raw, date_col, path)
    frame["overall_published"] = [None if n else _cell(v) for n, v in zip(none_yet, raw[col(r"overall effectiveness")])]
    for j, p in _LA_LEVEL.items():
        frame[JUDGEMENT_PREFIX + j] = [_cell(v) for v in raw[col(p)]]
    rows = frame.reindex(columns=READER_COLUMNS + [JUDGEMENT_PREFIX + j for j in _LA_LEVEL]).astype(object)
    rows = rows.where(rows.notna(), None)
    rows["source_row"] = rows["source_row"].astype(int)
    notes = [f"read {path.name}, sheet {info['sheet']} (header on row {info['header_row']}): {len(rows)} local authorities"
             + (f", {int(none_yet.sum())} with 'No full inspection'" if none_yet.any() else "")]
    return SourceTable(PROVIDER_TYPE, path, rows, "name", {j: JUDGEMENTS[j] for j in _LA_LEVEL}, notes)
