"""Find a school, and what its page shows: its latest graded and ungraded inspections, the one
before, its report, and how its local authority, region and England compare."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from outcomes.domain.fields import Level
from outcomes.domain.frameworks import BREAKS, GRADE_LABELS, UNGRADED_OUTCOMES
from outcomes.domain.releases import Release
from outcomes.domain.wording import long_date
from outcomes.sources.schools import JUDGEMENTS
from outcomes.store.store import Store

SCHOOLS = "state_funded_school"
SEARCH_LIMIT = 50
# Ofsted's provider page for a school (its reports, latest first): reports.ofsted.gov.uk/provider/21/<URN>.
OFSTED_SCHOOL_PAGE = "https://reports.ofsted.gov.uk/provider/21/{urn}"


def is_urn(text: object) -> bool:
    """A URN as it may arrive from the address: digits only, at most 8 (Ofsted's URNs are 6 or 7)."""
    return isinstance(text, str) and text.isdigit() and len(text) <= 8


def find_schools(store: Store, text: str, limit: int = SEARCH_LIMIT) -> pd.DataFrame:
    """Schools whose URN is `text` or whose name contains it (latest schools release only, so no
    children's home, whose names Ofsted withholds, is ever found). Columns: urn, label."""
    release = store.latest(SCHOOLS)
    text = " ".join(str(text).split())[:100]
    if release is None or (len(text) < 3 and not is_urn(text)):
        return pd.DataFrame({"urn": [], "label": []})
    found = store.query("school_search", release_id=release.id, text=text, limit=limit)
    found["label"] = [f"{r.provider_name} · {r.provider_subtype or 'phase not known'} · {r.la_name or 'LA not known'} (URN {r.urn})"
                      for r in found.itertuples()]
    return found[["urn", "label"]]


@dataclass
class SchoolPage:
    urn: str
    name: str
    caption: str                       # phase, LA, region
    la_code: str | None
    release: Release
    report_url: str
    latest: str                        # the latest graded inspection, in words
    key_judgements: pd.DataFrame | None
    no_overall_grade: str              # why there is no overall grade (the framework break), or ""
    ungraded: str
    previous: str
    comparison_of: str                 # "primary schools": the schools the comparison counts
    comparison: pd.DataFrame | None    # share good or outstanding: LA, region, England


def _when(start, published) -> str:
    bits = [f"inspection starting {long_date(start)}"] + ([f"report published {long_date(published)}"] if pd.notna(published) else [])
    return ", ".join(bits)


def _comparison(store: Store, release: Release, school: pd.Series) -> tuple[str, pd.DataFrame | None]:
    """Share of graded schools of the same phase good or outstanding in its LA, region and England."""
    phase = school["provider_subtype"] if store.grades(release.id, Level.NATIONAL, school["provider_subtype"]).size else None
    what = "pupil referral units" if phase == "PRU" else f"{phase.lower()} schools" if phase else "state-funded schools"
    rows = []
    for level, name, kw in ((Level.LOCAL_AUTHORITY, school["la_name"], {"la": school["new_la_code"]}),
                            (Level.REGIONAL, school["region_name"], {"region": school["region_code"]}),
                            (Level.NATIONAL, "England", {})):
        found = store.grades(release.id, level, phase, **kw)
        if found.empty or not isinstance(name, str):
            continue
        row = found.iloc[0]
        share = row.get("pct_good_or_outstanding")
        rows.append({"Area": name, "Good or outstanding": "suppressed (fewer than 3 graded)" if share is None or pd.isna(share)
                     else f"{share:.1f}%", "Graded": f"{int(row['graded']):,}"})
    return what, (pd.DataFrame(rows) if rows else None)


def school_page(store: Store, urn: str) -> SchoolPage | None:
    """Everything the school page shows for one URN of the latest schools release (None: not found)."""
    release = store.latest(SCHOOLS)
    if release is None or not is_urn(urn):
        return None
    rows = store.query("school", release_id=release.id, urn=urn)
    if rows.empty:
        return None
    s = rows.iloc[0]
    grade = s["overall_grade"]
    judgements = store.query("school_judgements", release_id=release.id, urn=urn)
    judgements = judgements[judgements["grade"].notna()]
    table = None
    if not judgements.empty:
        order = list(JUDGEMENTS)  # Ofsted's order: quality of education first, safeguarding after leadership
        judgements = judgements.sort_values("judgement", key=lambda j: j.map(lambda x: order.index(x) if x in order else len(order)))
        # Safeguarding is a yes/no question ("Safeguarding is effective?"), not a grade.
        table = pd.DataFrame({"Key judgement": judgements["judgement_label"],
                              "Grade": judgements["grade"].map(lambda g: {"met": "Yes", "not_met": "No"}.get(g) or GRADE_LABELS.get(g, g))})
    no_grade = ""
    if pd.isna(s["inspection_start_date"]):
        latest = "No graded inspection of this school yet (a new school, or one that has not yet been inspected)."
    elif grade == "no_overall_grade":
        # From September 2024 graded inspections give no overall effectiveness grade: never invent one.
        brk = next(b for b in BREAKS if b.provider_type == SCHOOLS and b.title == "No overall effectiveness grade")
        latest = f"Latest graded inspection: **no overall effectiveness grade** ({_when(s['inspection_start_date'], s['publication_date'])}). Its key judgements are below."
        no_grade = brk.explanation
    else:
        latest = (f"Latest graded inspection: overall effectiveness **{GRADE_LABELS.get(grade, 'not known').lower()}** "
                  f"({_when(s['inspection_start_date'], s['publication_date'])}).")
    ungraded = "No ungraded inspection since its latest graded one."
    if pd.notna(s.get("ungraded_inspection_date")):
        outcome = UNGRADED_OUTCOMES.get(s.get("ungraded_outcome"), s.get("ungraded_outcome_published") or "outcome not published")
        ungraded = (f"Latest ungraded inspection: **{outcome}** ({_when(s['ungraded_inspection_date'], s.get('ungraded_publication_date'))}). "
                    "An ungraded inspection gives no grade: it says whether the last graded judgement still stands.")
    previous = "No earlier graded inspection is recorded."
    if pd.notna(s.get("previous_inspection_start_date")):
        was = s.get("previous_overall_grade")
        was = f"overall effectiveness **{GRADE_LABELS[was].lower()}**" if isinstance(was, str) and was in GRADE_LABELS else "no overall grade recorded"
        previous = f"Previous graded inspection: {was} ({_when(s['previous_inspection_start_date'], s.get('previous_publication_date'))})."
    la = s["la_name"] if isinstance(s["la_name"], str) else "local authority not known"
    region = f", {s['region_name']}" if isinstance(s["region_name"], str) else ""
    return SchoolPage(urn, s["provider_name"] or f"School {urn}", f"Phase: {s['provider_subtype'] or 'not known'} · {la}{region} · URN {urn}",
                      s["new_la_code"] if isinstance(s["new_la_code"], str) else None, release,
                      OFSTED_SCHOOL_PAGE.format(urn=urn), latest, table, no_grade, ungraded, previous,
                      *_comparison(store, release, s))
