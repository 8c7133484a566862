"""What the methodology page says, as plain data: sections of Markdown and tables, drawn by the
Streamlit page (views/methodology.py) and the HTML edition alike, so the two never say different things."""
from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from outcomes.domain import wording
from outcomes.domain.disclosure import REASON
from outcomes.domain.fields import PROVIDER_TYPES
from outcomes.domain.frameworks import BREAKS, FRAMEWORKS
from outcomes.store.store import Store


@dataclass
class Section:
    heading: str
    parts: list[tuple[str, object]]  # ("md", Markdown text) or ("table", DataFrame), in order

    @property
    def anchor(self) -> str:
        """The heading as a fragment id: 'Accessibility statement' -> 'accessibility-statement'."""
        return re.sub(r"[^a-z0-9]+", "-", self.heading.lower()).strip("-")


def _md(sections: list[Section], text: str) -> None:
    # Each line as written, without the code's indentation (in Markdown, indented text is code).
    sections[-1].parts.append(("md", "\n".join(line.strip() for line in text.strip().splitlines())))


def _table(sections: list[Section], frame: pd.DataFrame) -> None:
    sections[-1].parts.append(("table", frame))


def methodology(store: Store, ledger_table: pd.DataFrame) -> list[Section]:
    """Long: the page's text, section by section, as it reads (one function, so it reads as the page does).

    `ledger_table` is the ledger's comparison (outcomes.results.ledger), cached on its own."""
    sections: list[Section] = []

    sections.append(Section("What the figures are", []))
    _md(sections, f"""
    Each release is a snapshot **as at** a date: every provider registered or open on that date, with the outcome of its
    **latest full (graded) inspection** carried out by then whose report was published by the release's **cut-off**, the
    date Ofsted sets for each release (30 April for children's social care as at 31 March, 30 September for schools as at
    31 August, later for local authority children's services and area SEND: the table below gives each, with its source).
    An inspection the sources hold without a start date (the single inspection framework rows of Ofsted's workbook give only
    a publication date; a few compiled rows lack one) counts when its report was published by the cut-off, as Ofsted's
    releases of that time counted "all inspections published by" their cut-off. Providers not yet inspected are counted in
    *providers* but not in the shares. **Good or outstanding (%)** is the share of providers with an overall grade that were
    judged good or outstanding; this follows Ofsted's own definition ("of active and inspected providers").

    **Which providers the counts cover.** Ofsted's provider-level files for children's social care as at 31 March 2015 to
    2020, 2023 and 2024 list only providers with a latest full inspection. For 2015 to 2020, England's counts of providers
    and places here are Ofsted's own count of every active provider (Table 6 of its 2022 workbook), the difference being
    providers not yet inspected; regional and local authority counts, and every count for 2023 and 2024, are of inspected
    providers only, and every table and sentence that shows them says so (`counts_basis` in the files). Shares are of graded
    providers either way. No change in a count is computed between two dates counted on different bases, and a provider is
    counted as closed only where both files would list it.

    {REASON} The rule is applied once, when the data are built, so every table, sentence, rank, map and download follows it.
    The locations of children's homes are never shown; their names and addresses are redacted by Ofsted and stay redacted here.
    Childminders and childcare on domestic premises are counted, but never named, located or mapped one by one: their names
    are redacted here even where a file gives one, no address or postcode of any early years provider is read, and their local
    authority shares follow the same rule.
    """)

    sections.append(Section("Releases on this site", []))
    rows = [{"Release": r.title, "Status": r.status_label, "As at": r.as_at.isoformat(), "Coverage": r.coverage,
             "Published here": r.published.strftime("%Y-%m-%d %H:%M"), "First published by Ofsted": r.source_published or "not recorded",
             "Source": r.source_publication, "Notes": r.notes, "Version": r.version,
             "Revisions": "; ".join(f"version {x.version}, {x.date}: {x.reason}" for x in r.revisions) or "none"} for r in store.releases]
    _table(sections, pd.DataFrame(rows))
    _md(sections, """
    **Where the data come from.** Ofsted's official statistics files: children's social care providers as at 31 March,
    2015 to 2025; state-funded schools in England as at 31 August 2025 (every school); further education and skills as at
    31 August 2021; and Ofsted's own 2022 children's social care workbook, which gives every local authority's
    children's services inspections from 2009 (the single inspection framework, SIF, 2013 to 2018, then ILACS) and Ofsted's
    published counts, against which our figures are checked. Later local authority inspections and area SEND inspections
    come from compilations of Ofsted's reports (Data to Insight). Each release's status says which.

    **State-funded schools.** The England-wide file as at 31 August 2025 is the default. From September 2024 a graded
    inspection gives no overall effectiveness grade: those schools (3,269 in 2025) are counted as "no overall grade", never
    given one, and their key judgements are shown instead; Ofsted leads instead with the share of schools graded under the
    education inspection framework, the key judgements of the year's graded inspections and the outcomes of its ungraded
    inspections, and so does this site. Where the share good or outstanding of schools that still hold an overall grade from
    an inspection before September 2024 is shown, it says exactly that, and it is on no trend with earlier years. Kept as labelled history: the West Midlands rows of Ofsted's official file as at
    31 August 2023, and a reconstruction as at 31 August 2018 from a scraped inspection history (derived, not Ofsted's table).
    **Withdrawn:** the grades taken from the GIAS register in April 2024. That extract had no school graded inadequate (GIAS
    records those as serious weaknesses or special measures) and no inspection dates, so it overstated the share good or
    outstanding and would have shown a false rise in the trend.
    """)

    _md(sections, """
    **Report cards (from 10 November 2025).** Schools and early years providers inspected from 10 November 2025 get a report
    card: each evaluation area graded exceptional, strong standard, expected standard, needs attention or urgent improvement,
    and safeguarding standards met or not met, with no overall grade. A report card is a provider's latest inspection and is
    counted as "no overall grade"; its areas are judgements of their own, on their own scale. Where a release holds report
    cards it leads with the share of providers with one, the share of report cards at the expected standard or better in each
    evaluation area, and the share with safeguarding met. Report card grades are never added to a share good or outstanding,
    and a school's earlier graded and ungraded inspections stay on its page as what they were. Ofsted's monthly management
    information for schools and its quarterly early years management information carry them; the early years release counts
    providers on the Early Years Register (childminders, childcare on non-domestic and on domestic premises).
    """)

    sections.append(Section("How the figures are checked", []))
    _md(sections, """
    Every release passes automated checks before it is published here: each row's local authority is found in the lookup
    (in that year's spelling), every judgement is on its framework's scale, no provider appears twice, and the source file
    is the one catalogued (its SHA-256 fingerprint). Warnings for a person to review: row counts against the previous
    release, providers that appeared or vanished, inspections after their publication or after the "as at" date, and
    judgements that changed under the same inspection number (revisions). A release that fails a check is not published
    and the previous version stays. Ofsted quality-assures its own files before publication (see each release's source page).

    **Our numbers against Ofsted's: the ledger.** Every headline figure Ofsted published for data held here (its main
    findings pages) is in one ledger, `data/ledger.csv`: the figure, its quote and page, and ours beside it. An automated test
    holds each: a figure that matches must stay within its tolerance, and one that differs must differ for the reason given.
    """)
    if "Verdict" in ledger_table:
        matches = int(ledger_table["Verdict"].eq("Matches").sum())
        _md(sections, f"**{matches} of {len(ledger_table)} figures match** Ofsted's; each other one says why it differs.")
        _table(sections, ledger_table)
    else:
        _md(sections, "None of the ledger's figures is for a release held on this site.")
    _md(sections, "Held but not in the ledger: schools as at 31 August 2023 (only the West Midlands rows of that file are "
                "held; Ofsted's England figure, 89%, needs its national file), and further education and skills as at 31 "
                "August 2021, which Ofsted published as management information with no main findings page.")

    sections.append(Section("What each release counts", []))
    _table(sections, pd.DataFrame([{"Release": r.title, "Counts cover": r.counts.label, "Cut-off": r.cutoff.isoformat(),
                                "Where the cut-off comes from": r.cutoff_note, "What it counts": r.definition}
                               for r in store.releases]))
    _md(sections, """The local authority figures are also checked against Ofsted's own LA-level table of 2023: the overall
    grade agrees for 140 of 151 authorities. Six differ because Ofsted's table is dated later (inspections to July 2023),
    four because their reports were published after 30 April 2023 (the release's cut-off), and one because the
    compiled history could not read that report. Each is listed in the QA report.""")

    sections.append(Section("Inspection frameworks and what cannot be compared", []))
    _table(sections, pd.DataFrame([{"Framework": f.name, "In force": f.in_force,
                                "Scale": f.scale_words} for f in FRAMEWORKS.values()]))
    _md(sections, "\n".join(f"- **{b.title}** ({b.date:%B %Y}, {PROVIDER_TYPES[b.provider_type].lower()}): {b.explanation}" for b in BREAKS))
    _md(sections, "'Adequate' (social care before April 2015) and 'satisfactory' (schools before September 2012) sat third of "
                "four grades, where 'requires improvement' sits now. They are counted separately, never merged.")

    sections.append(Section("Local authority changes", []))
    _md(sections, """
    Figures are published on the local authorities **of their own date**. Bournemouth and Poole (to 2019) became part of
    Bournemouth, Christchurch and Poole; Northamptonshire (to 2021) split into North and West Northamptonshire; Cumbria (to
    2023) into Cumberland and Westmorland and Furness; North Yorkshire and Somerset (2023) and Barnsley and Sheffield (2024)
    kept their areas but took new codes. Time series for an authority follow its area through code changes; where an area
    split, earlier figures are for the former authority and are labelled so.
    """)

    sections.append(Section("Revisions and corrections", []))
    _md(sections, "Releases are versioned. A correction or revision replaces the release with a new version, recorded in the "
                "table above with the reason. Ofsted's own revisions are noted on its release pages.")

    sections.append(Section("Pre-release access and publication time", []))
    _md(sections, "Nothing is visible on this site before its publication time, 09:30 UK time on release day. No one outside "
                "the statistics team sees a release before then.")

    sections.append(Section("Licence, attribution and contact", []))
    _md(sections, f"{wording.OGL.replace('Open Government Licence v3.0', f'[Open Government Licence v3.0]({wording.OGL_URL})')}: "
                "Ofsted, Department for Education, Office for National Statistics. Boundaries: "
                f"{wording.ons_attribution(wording.BOUNDARY_YEAR)} Questions about these statistics: the Ofsted statistics team, "
                "enquiries@ofsted.gov.uk.")

    sections.append(Section("Accessibility statement", []))
    _md(sections, """
    We aim to meet the Web Content Accessibility Guidelines (WCAG) 2.2 at level AA. Every chart has a one-sentence
    description and its figures in a table; colours are never the only way to read a chart; every map has a keyboard-usable
    local authority selector and a table. Known issues, which come from the Streamlit framework the site is built on:
    some chart tooltips need a mouse (the same figures are in the tables), and data tables are drawn on a canvas, so use the
    download buttons to read them with a screen reader; and Streamlit's multi-select box shrinks its typing area below the
    24-pixel target size once it is full, which the site corrects with a style rule. To report a problem, contact the statistics team (above).
    """)
    return sections
