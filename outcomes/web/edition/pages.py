"""Each page of the HTML edition: the page results the Streamlit page shows, laid out for
templates. A function returns the page's HTML, or None where its address names nothing public."""
from __future__ import annotations

import re

import pandas as pd

from outcomes import settings
from outcomes.domain import report_cards
from outcomes.domain.fields import TYPES, Level
from outcomes.domain.wording import long_date, when
from outcomes.publish import files as release_files
from outcomes.publish import prerelease
from outcomes.render.edition.templating import render
from outcomes.results import release as release_pages
from outcomes.results import schools as school_pages
from outcomes.results.methodology import methodology as methodology_sections
from outcomes.results.summaries import la_names
from outcomes.store.store import Store
from outcomes.web import public
from outcomes.web.edition.site import downloads, figure, frame, interactive, map_figure, release_caption, table, tidy

LA_CODE = re.compile(r"E(06|07|08|09|10|11)\d{6}")  # an upper-tier authority's ONS code, current or former


def map_of(release, subtype: str | None, measure: str, region: str | None):
    """The map result of a release by local authority (None: no geography, or no boundaries built)."""
    try:
        return public.result("map_view", release.id, subtype, measure, Level.LOCAL_AUTHORITY, region)
    except (FileNotFoundError, LookupError):
        return None


def browse() -> str:
    """The headline of every provider type, and the long trend: the overview."""
    view = public.result("overview")
    heads = [_headline(h) for h in view.headlines]
    described = "; ".join(f"{h['figure']}{h['figure_label']} ({h['label'].lower()})" for h in heads[:3])
    context = frame("/browse", "Headline figures", f"Latest Ofsted inspection outcomes: {described}." if heads else
                    "How providers were judged at their latest Ofsted inspection.", interactive("overview"))
    context |= {"headlines": heads, "trend": figure(view.trend), "breaks": view.breaks,
                "trend_tables": [tidy("trend_frames", f"{r.provider_type_label}: figures at each release", r.id, s, None, None)
                                 for r, s in view.trend_releases] if view.trend is not None else [],
                "breadcrumbs": []}
    context["trend_tables"] = [t for t in context["trend_tables"] if t]
    return render("browse.html", **context)


def _headline(h) -> dict:
    if h.lead:
        first = h.lead[0]
        figure_text, label = f"{first.value:.1f}%", first.label.lower()
    elif h.share is not None:
        figure_text, label = f"{h.share:.1f}%", "good or outstanding"
    else:
        figure_text = ", ".join(f"{n:,} {g.lower()}" for g, n in h.grade_counts) or "No overall grades"
        label = ""
    providers = f"{h.providers:,} providers{h.where}, including those not yet inspected."
    if not h.lead and h.providers != h.graded:
        providers += (f" {h.graded:,} have an overall grade; the rest are not yet inspected or were inspected under a "
                      "framework with no overall grade.")
    return {"provider_type": h.provider_type, "label": h.label, "figure": figure_text, "figure_label": " " + label if label else "",
            "providers_text": providers, "lines": [f.words for f in h.lead], "note": h.lead_note,
            "caption": release_caption(h.release)}


def areas() -> str:
    """Every local authority, by region, and the former ones."""
    lookup = public.store().la_lookup()
    current = lookup[lookup["is_current"]].sort_values("la_name")
    regions = [(name, list(zip(group["new_la_code"], group["la_name"])))
               for name, group in current.groupby("region_name", sort=True)]
    former = lookup[~lookup["is_current"]].sort_values("la_name")
    context = frame("/areas", "Local authorities", f"Ofsted inspection outcomes for each of England's {len(current)} "
                    "upper-tier local authorities: children's services, children's homes, schools and more.",
                    interactive("local-authority"), breadcrumbs=[{"text": "Local authorities"}])
    return render("areas.html", regions=regions, former=list(zip(former["new_la_code"], former["la_name"])), **context)


def schools_of(store: Store) -> pd.DataFrame:
    """Every school of the schools release the school pages use (urn, provider_name, new_la_code)."""
    release = school_pages.school_release(store)
    if release is None:
        return pd.DataFrame({"urn": [], "provider_name": [], "new_la_code": []})
    return store.memo(("schools_of", release.id), lambda: store.query("schools_of", release_id=release.id))


def area(code: str) -> str | None:
    """An authority's profile: every provider type there against its region and England."""
    if not LA_CODE.fullmatch(code):
        return None
    profile = public.result("la_profile", code)
    if profile is None:
        return None
    blocks = [_area_block(profile, b) for b in profile.blocks]
    headline = profile.summary[0] if profile.summary else profile.former_note or profile.caption
    # A former code of the same area (North Yorkshire before 2023) shows its successor's page, whose
    # address is the canonical one.
    context = frame(f"/areas/{profile.code}", f"{profile.name}: Ofsted inspection outcomes", headline,
                    interactive("local-authority", la=code), breadcrumbs=[{"text": "Local authorities", "href": "/areas"},
                                                                         {"text": profile.name}])
    store = public.store()
    schools = schools_of(store)
    mine = schools[schools["new_la_code"] == code]
    trend_release = profile.former_trend_release
    context |= {"p": profile, "blocks": blocks, "has_ilacs": store.latest("la_childrens_services") is not None,
                "ilacs_history": table(profile.ilacs_history, f"Children's services inspections of {profile.name}"),
                "ilacs_points": table(profile.ilacs_points, f"{profile.name} at each six-monthly release"),
                "neighbours": table(profile.neighbours, f"{profile.name} and its statistical neighbours"),
                "former_trend": figure(profile.former_trend),
                "former_trend_tables": [t for t in [tidy("trend_frames", "Children's homes at each release", trend_release.id,
                                                         TYPES["social_care_provider"].headline_subtype, code, profile.region_code)]
                                        if t] if trend_release is not None else [],
                "schools": list(zip(mine["urn"], mine["provider_name"]))}
    return render("area.html", **context)


def _area_block(profile, block) -> dict:
    release, subtype, la = block.release, block.subtype, block.la_code
    out = {"heading": block.heading, "caption": release_caption(release), "own_grade_text": block.own_grade_text}
    if block.own_grade_text:
        return out
    shown = map_of(release, subtype, "pct_good_or_outstanding", profile.region_code)
    out |= {"comparison": figure(block.comparison),
            "table": tidy("export_frames", f"{block.heading}: {profile.name}", release.id, Level.LOCAL_AUTHORITY, subtype, None, la),
            "downloads": downloads(release, Level.LOCAL_AUTHORITY, subtype, la),
            "trend": figure(block.trend), "breaks": block.breaks,
            "trend_tables": [t for t in [tidy("trend_frames", f"{block.heading}: {profile.name}, its region and England at each release",
                                              release.id, subtype, la, profile.region_code)] if t] if block.trend else [],
            "map": map_figure(shown, la), "map_note": shown.note if shown is not None else ""}
    return out


def releases() -> str:
    """The release calendar: what is announced (title and time only) and what is published."""
    entries = public.calendar()
    announced = [e for e in entries if e.status != "published"]
    published = [e for e in entries if e.status == "published"]
    context = frame("/releases", "Releases and calendar", f"{len(published)} releases of Ofsted inspection outcomes published"
                    + (f"; next: {announced[0].title}, {announced[0].when}." if announced else "."), interactive("calendar"),
                    breadcrumbs=[{"text": "Releases"}])
    announced_table = table(pd.DataFrame({"Release": [e.title for e in announced], "Publication": [e.when for e in announced],
                                          "Status": [e.status for e in announced]}), "Announced releases")
    groups = [(t, label, [(e.release_id, e.title, e.when) for e in listed])
              for t, label, listed in release_pages.published_by_type(entries)]
    return render("releases.html", announced=announced_table, published=published, groups=groups, **context)


def release(release_id: str) -> str | None:
    """A release: what it is, its dates, findings, quality assurance, checklist, files and updates."""
    store = public.store()
    if release_id not in {r.id for r in store.releases}:
        return None
    page = release_pages.release_page(store, release_id, None, prerelease.viewers(release_id, settings.data_dir()))
    if page is None:
        return None
    r = page.release
    context = frame(f"/releases/{r.id}", r.title, page.findings[0] if page.findings else r.title,
                    interactive("release", id=r.id), breadcrumbs=[{"text": "Releases", "href": "/releases"}, {"text": r.title}])
    facts = [("Status", r.status_label), ("Provider type", r.provider_type_label), ("As at", long_date(r.as_at)),
             ("Coverage", r.coverage), ("Version", str(page.version)), ("Published by Ofsted", page.ofsted_published),
             ("Published on this site", page.site_published)]
    checklist = pd.DataFrame({"Check": [c.item.label for c in page.checklist],
                              "Done": ["yes" if c.done else "not yet" for c in page.checklist],
                              "By": [c.by or "—" for c in page.checklist],
                              "When": [when(c.at) if c.at else "—" for c in page.checklist],
                              "Note": [c.note or "—" for c in page.checklist]})
    pre = ("These people had access to the release in the 24 hours before publication: " + ", ".join(page.pre_release_access) + "."
           if page.pre_release_access else "No one had pre-release access to this release on this site.")
    context |= {"r": r, "page": page, "facts": [{"key": {"text": k}, "value": {"text": v}} for k, v in facts],
                "cutoff": f"Inspections whose reports were published by {long_date(r.cutoff)}. {r.cutoff_note}",
                "flow_table": table(page.flow_table, "Inspections in the six months"),
                "qa_summary": table(page.qa_summary, "QA findings by severity and check"),
                "checklist": table(checklist, "Quality assurance checklist"), "files": release_files.files_of(r),
                "pre_release": pre, "updates": table(pd.DataFrame(page.updates, columns=["Version", "Date", "What changed"]),
                                                     "Versions of this release"),
                "neighbours": [("Previous release", page.previous), ("Next release", page.next)],
                "type_page": f"/types/{r.provider_type}" if store.latest(r.provider_type) is r else ""}
    if r.source_publication:
        context["facts"].append({"key": {"text": "Source publication"},
                                 "value": {"html": f'<a class="govuk-link" href="{r.source_publication}">{r.source_publication}</a>'}})
    return render("release.html", **context)


def methodology() -> str:
    """Methodology and about: the same sections as the Streamlit page."""
    sections = methodology_sections(public.store(), public.result("ledger"))
    shown = [{"heading": s.heading, "anchor": s.anchor,
              "parts": [(kind, value if kind == "md" else table(value, s.heading)) for kind, value in s.parts
                        if kind == "md" or not value.empty]} for s in sections]
    context = frame("/guidance/methodology", "Methodology and about",
                    "How the figures are made and checked: sources, cut-offs, disclosure control, frameworks, the ledger "
                    "of our figures against Ofsted's, revisions and accessibility.", interactive("methodology"),
                    breadcrumbs=[{"text": "Methodology"}])
    return render("methodology.html", sections=shown, **context)


def provider_type(ptype: str) -> str | None:
    """A provider type in England at its latest release: grades, regions, authorities, trend."""
    store = public.store()
    release = store.latest(ptype) if ptype in TYPES else None
    if release is None:
        return None
    v = public.result("provider_type_view", release.id, None)
    label = TYPES[ptype].label
    figure_words = (v.lead[0].words if v.lead else f"{v.share:.1f}% of {v.what} were good or outstanding as at "
                    f"{long_date(release.as_at)}." if v.share is not None else f"{label}: Ofsted inspection outcomes.")
    context = frame(f"/types/{ptype}", f"{label} in England", figure_words, interactive("provider-types", type=ptype),
                    breadcrumbs=[{"text": label}])
    shown = map_of(release, None, "pct_good_or_outstanding" if v.share is not None else "pct_inadequate", None) if v.has_geography else None
    level_table = {level: tidy("export_frames", f"{label}: {words}", release.id, level, None, None, None)
                   for level, words in ((Level.NATIONAL, "England"), (Level.REGIONAL, "by region"), (Level.LOCAL_AUTHORITY, "by local authority"))}
    context |= {"label": label, "v": v, "release_caption": release_caption(release),
                "warning": f"{release.status_label}. {release.notes}".strip() if release.status.needs_warning else "",
                "notes": release.notes, "lead": [f.words for f in v.lead], "distribution": figure(v.distribution),
                "national": level_table[Level.NATIONAL], "national_files": downloads(release, Level.NATIONAL),
                "by_region": figure(v.by_region), "regional": level_table[Level.REGIONAL],
                "regional_files": downloads(release, Level.REGIONAL),
                "la_table": level_table[Level.LOCAL_AUTHORITY] if v.has_geography else None,
                "la_files": downloads(release, Level.LOCAL_AUTHORITY),
                "map": map_figure(shown), "map_note": shown.note if shown else "",
                "trend": figure(v.trend), "trend_tables": [t for t in [tidy("trend_frames", f"{label}: England at each release",
                                                                             release.id, None, None, None)] if t] if v.trend else [],
                "in_year": table(v.in_year.table, v.in_year.heading) if v.in_year is not None else None,
                "sub_judgements": table(v.sub_judgements, "Providers by grade for each judgement", index=True),
                "report_cards": table(v.report_cards, "Report cards by evaluation area"),
                "report_cards_intro": REPORT_CARDS_INTRO,
                "others": [(r.id, r.title) for r in reversed(store.releases_of(ptype)) if r.id != release.id]}
    return render("type.html", **context)


REPORT_CARDS_INTRO = (f"**Report cards** (inspections from {report_cards.START.day} {report_cards.START:%B %Y}): each evaluation area on the report card's own "
                      "five-point scale, and safeguarding met or not met. They are never added to the grades above.")


def school(urn: str) -> str | None:
    """A state-funded school: its inspections, Ofsted's report, and how its area compares."""
    if not school_pages.is_urn(urn):
        return None
    s = public.school_page(urn)
    if s is None:
        return None
    la_name = la_names(public.store()).get(s.la_code, "")
    context = frame(f"/schools/{urn}", f"{s.name}: Ofsted inspections", f"{s.name} (URN {urn}). {s.latest}",
                    interactive("school", urn=urn), breadcrumbs=[{"text": la_name or "Schools", "href": f"/areas/{s.la_code}#schools"
                                                                 if s.la_code else "/areas"}, {"text": s.name}])
    rows = lambda t, label: [(r[label], r["Grade"]) for _, r in t.iterrows()] if t is not None else []  # noqa: E731
    context |= {"s": s, "release_caption": release_caption(s.release), "la_name": la_name,
                "report_card": rows(s.report_card, "Evaluation area"), "key_judgements": rows(s.key_judgements, "Key judgement"),
                "comparison": table(s.comparison.set_index("Area") if s.comparison is not None else None,
                                    f"{s.name} against its area", index=True),
                "comparison_intro": f"Share of graded {s.comparison_of} judged good or outstanding at their latest graded "
                                    f"inspection, as at {long_date(s.release.as_at)}. {s.comparison_note}"}
    return render("school.html", **context)
