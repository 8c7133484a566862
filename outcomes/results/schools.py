"""Find a school, and what its page shows: its report card (from November 2025), its latest graded
and ungraded inspections, the one before, its report, and how its local authority, region and
England compare. Each era of inspection is shown as itself, labelled, never merged into another."""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from outcomes.domain import report_cards
from outcomes.domain.fields import Level, Status
from outcomes.domain.frameworks import BREAKS, FRAMEWORKS, GRADE_LABELS, UNGRADED_OUTCOMES, framework_of
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
    release = school_release(store)
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
    # Its report card (inspections from 10 November 2025): one row per evaluation area with its grade
    # on the report card's own scale, then safeguarding (None: it has none). With a report card, the
    # key judgements are those of the graded inspection before it (shown after `previous`).
    report_card: pd.DataFrame | None = None
    comparison_note: str = ""          # which schools the comparison leaves out


def school_release(store: Store) -> Release | None:
    """The schools release the search and the school pages use: Ofsted's newest (its monthly
    management information, with report cards, where that is newer than the official statistics),
    never a derived reconstruction while Ofsted's own is held."""
    held = store.releases_of(SCHOOLS)
    own = [r for r in held if r.status != Status.DERIVED] or held
    return max(own, key=lambda r: (r.as_at, r.status.authority), default=None)


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


def _judgement_rows(judgements: pd.DataFrame, cards: bool) -> pd.DataFrame | None:
    """The key judgements (cards=False) or the report card (cards=True) as label, grade rows, in
    Ofsted's order; None when the school has none."""
    part = judgements[judgements["judgement"].map(report_cards.is_report_card) == cards]
    if part.empty:
        return None
    if cards:
        part = part.sort_values("judgement", key=lambda j: j.map(report_cards.area_order))
        # Safeguarding on a report card is met or not met, never a point of the scale.
        return pd.DataFrame({"Evaluation area": part["judgement_label"].replace({report_cards.SAFEGUARDING_LABEL + " met?":
                                                                                report_cards.SAFEGUARDING_LABEL}),
                             "Grade": part["grade"].map(lambda g: GRADE_LABELS.get(g, g))})
    order = list(JUDGEMENTS)  # Ofsted's order: quality of education first, safeguarding after leadership
    part = part.sort_values("judgement", key=lambda j: j.map(lambda x: order.index(x) if x in order else len(order)))
    # Safeguarding is a yes/no question ("Safeguarding is effective?"), not a grade.
    return pd.DataFrame({"Key judgement": part["judgement_label"],
                         "Grade": part["grade"].map(lambda g: {"met": "Yes", "not_met": "No"}.get(g) or GRADE_LABELS.get(g, g))})


def _break(title: str) -> str:
    return next(b.explanation for b in BREAKS if b.provider_type == SCHOOLS and b.title == title)


def _latest(s: pd.Series, card: bool) -> tuple[str, str]:
    """The latest inspection in words, and the framework break that explains it ('' when none)."""
    when = _when(s["inspection_start_date"], s["publication_date"])
    if pd.isna(s["inspection_start_date"]):
        return "No graded inspection of this school yet (a new school, or one that has not yet been inspected).", ""
    if card:
        return (f"Latest inspection: a **report card** ({when}), with no overall grade. Each evaluation area is graded on "
                "the report card's own five-point scale, below; its earlier inspections follow, each as it was given."), \
            _break("Report cards")
    if s["overall_grade"] == "no_overall_grade":
        # From September 2024 graded inspections give no overall effectiveness grade: never invent one.
        return (f"Latest graded inspection: **no overall effectiveness grade** ({when}). Its key judgements are below.",
                _break("No overall effectiveness grade"))
    return f"Latest graded inspection: overall effectiveness **{GRADE_LABELS.get(s['overall_grade'], 'not known').lower()}** ({when}).", ""


def _previous(s: pd.Series, card: bool) -> str:
    """The graded inspection before the latest one (with a report card: the latest graded one)."""
    if pd.isna(s.get("previous_inspection_start_date")):
        return "No earlier graded inspection is recorded."
    was = s.get("previous_overall_grade")
    start = pd.Timestamp(s["previous_inspection_start_date"]).date()
    framework = FRAMEWORKS.get(framework_of(SCHOOLS, "good", start) or "")
    if isinstance(was, str) and was in GRADE_LABELS:
        was = f"overall effectiveness **{GRADE_LABELS[was].lower()}**"
    elif framework is not None and not framework.has_overall_grade:
        was = "**no overall effectiveness grade** (graded inspections from September 2024 give none)"
    else:
        was = "no overall grade recorded"
    what = f"Latest graded inspection before its report card ({framework.name})" if card and framework else "Previous graded inspection"
    tail = " Its key judgements:" if card else ""
    return f"{what}: {was} ({_when(start, s.get('previous_publication_date'))}).{tail}"


def school_page(store: Store, urn: str) -> SchoolPage | None:
    """Everything the school page shows for one URN of the schools release (None: not found)."""
    release = school_release(store)
    if release is None or not is_urn(urn):
        return None
    rows = store.query("school", release_id=release.id, urn=urn)
    if rows.empty:
        return None
    s = rows.iloc[0]
    judgements = store.query("school_judgements", release_id=release.id, urn=urn)
    judgements = judgements[judgements["grade"].notna()]
    card = _judgement_rows(judgements, cards=True)
    latest, no_grade = _latest(s, card is not None)
    ungraded = "No ungraded inspection since its latest graded one."
    if pd.notna(s.get("ungraded_inspection_date")):
        outcome = UNGRADED_OUTCOMES.get(s.get("ungraded_outcome"), s.get("ungraded_outcome_published") or "outcome not published")
        ungraded = (f"Latest ungraded inspection: **{outcome}** ({_when(s['ungraded_inspection_date'], s.get('ungraded_publication_date'))}). "
                    "An ungraded inspection gives no grade: it says whether the last graded judgement still stands.")
    la = s["la_name"] if isinstance(s["la_name"], str) else "local authority not known"
    region = f", {s['region_name']}" if isinstance(s["region_name"], str) else ""
    note = (f"Schools inspected since September 2024 have no overall grade and are not counted"
            + (f", nor are report cards (from {report_cards.START.day} {report_cards.START:%B %Y})" if release.as_at >= report_cards.START else "")
            + ".")
    return SchoolPage(urn, s["provider_name"] or f"School {urn}", f"Phase: {s['provider_subtype'] or 'not known'} · {la}{region} · URN {urn}",
                      s["new_la_code"] if isinstance(s["new_la_code"], str) else None, release,
                      OFSTED_SCHOOL_PAGE.format(urn=urn), latest, _judgement_rows(judgements, cards=False), no_grade,
                      ungraded, _previous(s, card is not None), *_comparison(store, release, s), report_card=card,
                      comparison_note=note)
