"""Reader for further education and skills providers: a reduced copy of Ofsted's official statistics
"Further education and skills inspections and outcomes as at 31 August 2021" (DfE R training course).

Two files, in this order: ofsted.csv (one row per provider, blank inspection columns if never
inspected) and ofsted_scores.csv (one row per judgement of each provider's latest full inspection).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from outcomes.domain.frameworks import UnknownGrade, grade_of
from outcomes.sources.base import (
    JUDGEMENT_PREFIX, READER_COLUMNS, SourceError, SourceTable, clean_code, find_column, parse_dates, read_table,
)

PROVIDER_TYPE = "further_education"

# inspection_category in the scores file -> judgement id, and Ofsted's wording.
CATEGORIES = {
    "overall effectiveness": None,  # the overall judgement, not a sub-judgement
    "leadership and management": "leadership_and_management",
    "is safeguarding effective": "safeguarding",
    "apprenticeships": "apprenticeships",
    "quality of education": "quality_of_education",
    "behaviour and attitudes": "behaviour_and_attitudes",
    "personal development": "personal_development",
}
JUDGEMENTS = {
    "leadership_and_management": "Leadership and management",
    "safeguarding": "Is safeguarding effective?",
    "apprenticeships": "Apprenticeships",
    # The three below are judgements of the education inspection framework (EIF), September 2019 on.
    "quality_of_education": "Quality of education",
    "behaviour_and_attitudes": "Behaviour and attitudes",
    "personal_development": "Personal development",
}
# The course author's R export writes missing values as NULL (numbers) and NA (text and dates).
_MISSING = {"", "null", "na", "nan", "none"}


def _value(v: object) -> str | None:
    s = str(v if v is not None else "").strip()
    return None if s.lower() in _MISSING else s


def _read_scores(path: Path) -> dict[str, dict[str, str]]:
    """inspection id -> {judgement id or 'overall': published label}; a category judged twice is an error."""
    raw, _ = read_table(path, ("inspection_id", "inspection_category", "score"))
    c_id = find_column(raw, "inspection_id", path=path)
    c_cat = find_column(raw, "inspection_category", path=path)
    c_score = find_column(raw, "score", path=path)
    out: dict[str, dict[str, str]] = {}
    for line, i, cat, score in zip(raw["source_row"], raw[c_id], raw[c_cat], raw[c_score]):
        if not any(str(x).strip() for x in (i, cat, score)):
            continue
        i, key, score = clean_code(i), str(cat).strip().lower(), clean_code(score)
        if not i:
            raise SourceError(path, int(line), c_id, "score row names no inspection")
        if key not in CATEGORIES:
            raise SourceError(path, int(line), c_cat, f"unknown inspection category {cat!r}",
                              f"Expected one of: {', '.join(CATEGORIES)}")
        jid = CATEGORIES[key] or "overall"
        if jid == "safeguarding":
            # Safeguarding is a yes/no judgement, coded 1 = Yes, 0 = No.
            if score not in ("0", "1"):
                raise SourceError(path, int(line), c_score, f"safeguarding score {score!r} is not 1 (Yes) or 0 (No)")
            label = "Yes" if score == "1" else "No"
        else:
            if score not in ("1", "2", "3", "4"):
                raise SourceError(path, int(line), c_score, f"score {score!r} is not a grade 1 to 4")
            label = score
        judged = out.setdefault(i, {})
        if jid in judged:
            raise SourceError(path, int(line), c_cat, f"inspection {i} has {cat!r} twice")
        judged[jid] = label
    return out


def read(paths: list[Path], as_at: dt.date) -> SourceTable:
    """Every FE and skills provider with its latest full inspection's judgements (never inspected: no grade)."""
    if len(paths) < 2:
        raise SourceError(paths[0] if paths else "", None, None, "FE needs two files: ofsted.csv and ofsted_scores.csv",
                          "List both in the release catalogue, providers first")
    path, scores_path = Path(paths[0]), Path(paths[1])
    raw, _ = read_table(path, ("ukprn", "provider_name", "inspection_number"))
    scores = _read_scores(scores_path)
    notes = [f"Read {path.name}: {len(raw)} rows; {scores_path.name}: judgements of {len(scores)} inspections."]
    blank = raw.drop(columns=["source_row"]).apply(lambda c: c.astype(str).str.strip() == "").all(axis=1)
    raw = raw[~blank].copy()
    set_aside = int(blank.sum())

    c_ukprn = find_column(raw, "ukprn", path=path)
    c_num = find_column(raw, "inspection_number", path=path)
    for c in raw.columns[1:]:
        raw[c] = pd.Series([_value(v) for v in raw[c]], index=raw.index, dtype=object)
    frame = pd.DataFrame({"source_row": raw["source_row"]})
    ukprns = []
    for line, u in zip(raw["source_row"], raw[c_ukprn]):
        if not u:
            raise SourceError(path, int(line), c_ukprn, "no UKPRN on this row")
        ukprns.append(clean_code(u))
    frame["urn"] = ukprns
    frame["provider_name"] = raw[find_column(raw, "provider_name", path=path)].tolist()
    frame["provider_subtype"] = raw[find_column(raw, "provider_group", path=path)].tolist()
    frame["la_published"] = None
    ids = [clean_code(v) if v else None for v in raw[c_num]]
    frame["inspection_id"] = ids
    frame["inspection_type"] = raw[find_column(raw, "inspection_type", path=path)].tolist()
    frame["inspection_start_date"] = parse_dates(raw, find_column(raw, "inspection_date", path=path), path)  # yyyy.mm.dd
    frame["publication_date"] = None
    overall, subs = _judgements_of(raw["source_row"], ids, scores, path, c_num, scores_path)
    frame["overall_published"] = overall
    for j in JUDGEMENTS:
        frame[JUDGEMENT_PREFIX + j] = subs[j]

    rows = frame.reindex(columns=READER_COLUMNS + [JUDGEMENT_PREFIX + j for j in JUDGEMENTS]).astype(object)
    rows = rows.where(rows.notna(), None)
    rows["source_row"] = rows["source_row"].astype(int)
    _check_labels(rows, path)
    notes += _provider_notes(len(rows), overall, set(scores) - {i for i in ids if i}, scores_path)
    return SourceTable(PROVIDER_TYPE, path, rows.reset_index(drop=True), "none", dict(JUDGEMENTS), notes,
                       set_aside, False)


def _judgements_of(lines: pd.Series, ids: list, scores: dict[str, dict[str, str]], path: Path, c_num: str,
                   scores_path: Path) -> tuple[list, dict[str, list]]:
    """Each provider's overall judgement and sub-judgements, from the scores of its inspection (None: not judged)."""
    overall, subs = [], {j: [] for j in JUDGEMENTS}
    for line, i in zip(lines, ids):
        judged = scores.get(i, {}) if i else {}
        if i and "overall" not in judged:
            raise SourceError(path, int(line), c_num, f"inspection {i} has no 'Overall effectiveness' score in "
                              f"{scores_path.name}", "Every inspected provider has an overall judgement")
        overall.append(judged.get("overall"))
        for j in JUDGEMENTS:
            subs[j].append(judged.get(j))
    return overall, subs


def _check_labels(rows: pd.DataFrame, path: Path) -> None:
    """Every judgement emitted is one grade_of knows for FE."""
    for col in ["overall_published"] + [JUDGEMENT_PREFIX + j for j in JUDGEMENTS]:
        for line, v in zip(rows["source_row"], rows[col]):
            try:
                grade_of(PROVIDER_TYPE, v)
            except UnknownGrade as e:  # not reachable with the score checks above; kept as the contract's guard
                raise SourceError(path, int(line), col, str(e)) from None


def _provider_notes(n: int, overall: list, unused: set, scores_path: Path) -> list[str]:
    """How many providers were inspected and with what outcome, and what this copy of the file lacks."""
    never = sum(v is None for v in overall)
    counts = pd.Series([v for v in overall if v]).value_counts().to_dict()
    notes = [f"{n} providers: {n - never} inspected, {never} never inspected (no inspection "
             "number, date or grade; overall left blank).",
             "Overall effectiveness: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) +
             " (1 outstanding, 2 good, 3 requires improvement, 4 inadequate)."]
    if unused:
        notes.append(f"{len(unused)} inspections in {scores_path.name} match no provider and were ignored.")
    notes.append("No geography: this copy dropped the LA, region and postcode columns of the official file, so it "
                 "supports national figures by provider group only (la_key 'none').")
    notes.append("Judgements not made at an inspection are absent (quality of education, behaviour and attitudes and "
                 "personal development exist only for EIF inspections from September 2019). No publication date.")
    return notes
