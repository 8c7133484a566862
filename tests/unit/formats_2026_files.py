"""Small files in Ofsted's 2026 formats, written by the tests: its monthly management information for
state-funded schools (report cards from 10 November 2025) and its quarterly early years management
information ("childcare provider data as at ...").

The headers are the real ones: ../shared/data/FORMATS-2026.md, checked against public code that reads
the real files: github.com/thechelsuk/uk.cheltenham-od `_python/ofsted.py` (commit 568680f1) and
`_python/childcare.py` (commit 114969df), which name the report card, OEIF and ungraded columns and the
"EYR REIF: Most recent: " areas, and other public readers of the same files for the identity columns
(URN, LAESTAB, School name, Ofsted phase, Provider type, Local authority, Places, Provider status,
Provider Early Years Register flag, "EYR OEIF/CIF: Most recent: Overall effectiveness").

REAL_SCHOOLS and REAL_EARLY_YEARS are a few real rows of one town (Cheltenham, Gloucestershire), with
the values that project's `_data/ofsted.json` (commit 568680f1db55f437291235be69fb68b1d0b46e9c: schools
as at 31 August 2026) and `_data/childcare.json` (commit 114969dffad7b8afdd64f6eb63bd28d34771feef: early
years as at 30 June 2026) hold for them, made from Ofsted's files. Contains public sector information
licensed under the Open Government Licence v3.0 (Ofsted). The grades are as published; codes 1 and 2
are Ofsted's codes for the OEIF grades that JSON words "Outstanding" and "Good". Columns that JSON does
not give are left blank (inspection numbers), or made up (LAESTAB: Gloucestershire's DfE number, 916, then
the URN's last four digits). Every other row here is invented.
"""
from __future__ import annotations

import csv
from pathlib import Path

from tests.unit.test_build_quality import LOOKUP_HEADER, LOOKUP_ROWS, sha
from tests.unit.tiny_site import SIGNED  # each release has its QA checklist signed

CARD_AREAS = ["Inclusion", "Curriculum and teaching", "Achievement", "Attendance and behaviour",
              "Personal development and wellbeing", "Early years (where applicable)",
              "Post-16 provision (where applicable)", "Leadership and governance"]
OEIF = ["Latest OEIF overall effectiveness", "Latest OEIF quality of education", "Latest OEIF behaviour and attitudes",
        "Latest OEIF personal development", "Latest OEIF effectiveness of leadership and management",
        "Latest OEIF early years provision (where applicable)", "Latest OEIF sixth form provision (where applicable)"]
MI_HEADER = (["Web Link (opens in new window)", "URN", "LAESTAB", "School name", "Ofsted phase", "Type of education",
              "Ofsted region", "Region", "Local authority", "Postcode", "Inspection number", "Inspection type",
              "Inspection start date", "Publication date", "Safeguarding standards"] + CARD_AREAS +
             ["URN at time of latest OEIF graded inspection", "Inspection start date of latest OEIF graded inspection"] + OEIF +
             ["URN at time of the ungraded inspection", "Date of latest ungraded inspection", "Ungraded inspection overall outcome"])

REIF = "EYR REIF: Most recent: "
EY_AREAS = ["Inclusion", "Curriculum and teaching", "Achievement", "Behaviour, attitudes and establishing routines",
            "Children's welfare and wellbeing", "Leadership and governance"]
EY_HEADER = (["Web link", "Provider URN", "Provider type", "Provider subtype", "Provider Early Years Register flag",
              "Provider Compulsory Childcare Register flag", "Provider Voluntary Childcare Register flag",
              "Individual register combinations", "Provider name", "Registered person name", "Provider address line 1",
              "Provider town", "Provider postcode", "Local authority", "Region", "Parliamentary constituency", "Places",
              "Provider status", "Registration date", REIF + "Inspection number", REIF + "Inspection visit type",
              REIF + "Inspection date", REIF + "Safeguarding standards met?"] + [REIF + a for a in EY_AREAS] +
             ["EYR OEIF: Most recent: Full inspection number", "EYR OEIF: Most recent: Full inspection date",
              "EYR OEIF/CIF: Most recent: Overall effectiveness", "EYR OEIF: Most recent: Quality of education",
              "CR: Most recent: Inspection date", "CR: Compliance"])
EY_TITLE = ["Childcare providers and inspections: management information", "Childcare provider data as at 30 June 2026",
            "Source: Ofsted"]  # three title lines above the header


DFE_NUMBERS = {"Gloucestershire": "916", "Kent": "886"}


def mi_row(urn, name, phase="Primary", la="Gloucestershire", card=None, oeif=None, ungraded=None,
           region="South West") -> dict:
    """One school's row: card = (start, published, safeguarding, {area: grade}); oeif = (start,
    overall, [QoE, B&A, PD, L&M, EY, sixth form]); ungraded = (date, outcome)."""
    row = dict.fromkeys(MI_HEADER, "")
    row.update({"Web Link (opens in new window)": f"http://www.ofsted.gov.uk/inspection-reports/find-inspection-report/provider/ELS/{urn}",
                "URN": urn, "LAESTAB": DFE_NUMBERS[la] + urn[-4:], "School name": name, "Ofsted phase": phase, "Type of education": "Academy",
                "Ofsted region": region, "Region": region, "Local authority": la, "Postcode": "GL50 1AA"})
    if card:
        start, published, safeguarding, areas = card
        row.update({"Inspection start date": start, "Publication date": published, "Safeguarding standards": safeguarding,
                    "Inspection type": "S5 Inspection", **areas})
    if oeif:
        start, overall, judgements = oeif
        row.update({"URN at time of latest OEIF graded inspection": urn,
                    "Inspection start date of latest OEIF graded inspection": start, OEIF[0]: overall,
                    **dict(zip(OEIF[1:], judgements))})
    if ungraded:
        row.update({"URN at time of the ungraded inspection": urn, "Date of latest ungraded inspection": ungraded[0],
                    "Ungraded inspection overall outcome": ungraded[1]})
    return row


def _areas(*grades: str) -> dict:
    return {a: g for a, g in zip(CARD_AREAS, grades)}


# Real rows (see the module docstring for the source and licence).
REAL_SCHOOLS = [
    # Hesters Way Primary School: a report card (January 2026) and its graded inspection of 2021 (good).
    mi_row("131250", "Hesters Way Primary School",
           card=("06/01/2026", "11/02/2026", "Met", _areas("Strong standard", "Expected standard", "Expected standard",
                                                          "Expected standard", "Strong standard", "Strong standard", "",
                                                          "Strong standard")),
           oeif=("03/11/2021", "2", ["2", "2", "2", "2", "2", "NULL"])),
    # Bourton-on-the-Water Primary School: a report card (February 2026) after an ungraded inspection
    # in 2021 that found it still good (the older wording); no graded inspection under the EIF.
    mi_row("139291", "Bourton-on-the-Water Primary School",
           card=("03/02/2026", "19/04/2026", "Met", _areas("Expected standard", "Expected standard", "Expected standard",
                                                          "Strong standard", "Strong standard", "Expected standard",
                                                          "Not applicable", "Expected standard")),
           ungraded=("14/10/2021", "School remains Good")),
    # Winchcombe School: a secondary report card (June 2026), every area at the expected standard, and
    # its graded inspection of 2022 (good).
    mi_row("136764", "Winchcombe School", phase="Secondary",
           card=("16/06/2026", "07/07/2026", "Met", _areas(*["Expected standard"] * 5, "", "", "Expected standard")),
           oeif=("29/03/2022", "2", ["2", "2", "2", "2", "9", "9"])),
    # Balcarras School: graded in March 2025, with no overall effectiveness grade, every key judgement outstanding.
    mi_row("136474", "Balcarras School", phase="Secondary", oeif=("04/03/2025", "Not judged", ["1", "1", "1", "1", "9", "1"])),
    # Greatfield Park Primary School: graded in January 2025 (no overall grade, all good); an ungraded
    # inspection in 2023 had found some concerns.
    mi_row("115586", "Greatfield Park Primary School", oeif=("14/01/2025", "Not judged", ["2", "2", "2", "2", "2", "9"]),
           ungraded=("19/10/2023", "School remains Good (Concerns) - S5 Next")),
    # Andoversford Primary School: graded good in April 2022.
    mi_row("115735", "Andoversford Primary School", oeif=("06/04/2022", "2", ["2", "2", "2", "2", "2", "9"])),
]


def ey_row(urn, ptype, name, places, la="Gloucestershire", subtype="", eyr="Y", status="Active", card=None,
           graded=None) -> dict:
    """One provider's row: card = (date, safeguarding, [six area grades]); graded = (date, overall)."""
    row = dict.fromkeys(EY_HEADER, "")
    row.update({"Web link": f"https://reports.ofsted.gov.uk/provider/16/{urn}", "Provider URN": urn, "Provider type": ptype,
                "Provider subtype": subtype, "Provider Early Years Register flag": eyr, "Provider name": name,
                "Provider address line 1": "1 High Street" if name != "REDACTED" else "REDACTED",
                "Provider town": "Cheltenham", "Provider postcode": "GL50 1AA" if name != "REDACTED" else "REDACTED",
                "Local authority": la, "Region": "South West", "Parliamentary constituency": "Cheltenham",
                "Places": places, "Provider status": status, "Registration date": "01/04/2015"})
    if card:
        row.update({REIF + "Inspection date": card[0], REIF + "Safeguarding standards met?": card[1],
                    REIF + "Inspection visit type": "Full inspection",
                    **{REIF + a: g for a, g in zip(EY_AREAS, card[2])}})
    if graded:
        row.update({"EYR OEIF: Most recent: Full inspection date": graded[0],
                    "EYR OEIF/CIF: Most recent: Overall effectiveness": graded[1]})
    return row


NON_DOMESTIC = "Childcare on non-domestic premises"
REAL_EARLY_YEARS = [
    # Little Smarties (Bishops Cleeve) and My Ohana Nursery Cheltenham: report cards of January 2026,
    # every area at a strong standard, safeguarding met.
    ey_row("EY547310", NON_DOMESTIC, "Little Smarties", "84", subtype="Full day care",
           card=("29/01/2026", "Met", ["Strong standard"] * 6)),
    ey_row("EY483802", NON_DOMESTIC, "My Ohana Nursery Cheltenham", "52", subtype="Full day care",
           card=("23/01/2026", "Met", ["Strong standard"] * 6)),
    # All Saints Playgroup: graded good in January 2025; Condicote Playgroup: outstanding in March 2024.
    ey_row("101469", NON_DOMESTIC, "All Saints Playgroup", "22", subtype="Full day care", graded=("29/01/2025", "2")),
    ey_row("EY225776", NON_DOMESTIC, "Condicote Playgroup", "26", subtype="Sessional day care", graded=("01/03/2024", "1")),
]

GLOUCESTERSHIRE = ["990005", "916", "E10000013", "", "Gloucestershire", "", "E12000009", "South West", "Gloucestershire", "County"]


def write_csv(path: Path, header: list[str], rows: list[dict], encoding: str, titles: list[str] = ()) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding=encoding, newline="") as f:
        w = csv.writer(f)
        for t in titles:
            w.writerow([t] + [""] * (len(header) - 1))
        w.writerow(header)
        w.writerows([[r[h] for h in header] for r in rows])
    return path


def write_mi(path: Path, rows: list[dict]) -> Path:
    """The schools file as Ofsted publishes it: header on line 1, Windows-1252 (latin-1) text."""
    return write_csv(path, MI_HEADER, rows, "cp1252")


def write_ey(path: Path, rows: list[dict]) -> Path:
    """The early years file: three title lines, then the header starting 'Web link,Provider URN'."""
    return write_csv(path, EY_HEADER, rows, "utf-8-sig", EY_TITLE)


def write_lookup(source: Path) -> None:
    lookup = source / "d2i_ilacs" / "Provider_data_lookup.csv"
    lookup.parent.mkdir(parents=True, exist_ok=True)
    with open(lookup, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([LOOKUP_HEADER] + LOOKUP_ROWS + [GLOUCESTERSHIRE])


def entry(release_id: str, title: str, provider_type: str, reader: str, as_at: str, published: str, path: Path) -> str:
    """A catalogue entry as a team's intake would add it for a file in the source folder."""
    return f'''
[[release]]
id = "{release_id}"
title = "{title}"
provider_type = "{provider_type}"
as_at = {as_at}
published = {published}T09:30:00
status = "management_information"
reader = "{reader}"
cutoff = {as_at}
definition = "Every provider with its latest inspection as at {as_at}: its report card where it has one."
{SIGNED}
sources = [ {{ path = "{path.parent.name}/{path.name}", sha256 = "{sha(path)}" }} ]
'''


# A school file of 31 October 2025, before report cards: the same schools with their graded inspections.
EARLIER_SCHOOLS = [
    mi_row("131250", "Hesters Way Primary School", oeif=("03/11/2021", "2", ["2", "2", "2", "2", "2", "9"])),
    mi_row("136764", "Winchcombe School", phase="Secondary", oeif=("29/03/2022", "2", ["2", "2", "2", "2", "9", "9"])),
    mi_row("136474", "Balcarras School", phase="Secondary", oeif=("04/03/2025", "Not judged", ["1", "1", "1", "1", "9", "1"])),
    mi_row("115735", "Andoversford Primary School", oeif=("06/04/2022", "2", ["2", "2", "2", "2", "2", "9"])),
]
# Invented rows: two report cards below the expected standard in Kent, and a school not yet inspected.
INVENTED_SCHOOLS = [
    mi_row("900001", "École Invented Primary", la="Kent", region="South East",
           card=("12/01/2026", "20/02/2026", "Not met", _areas("Needs attention", "Urgent improvement", "Needs attention",
                                                              "Expected standard", "Expected standard", "NULL", "9",
                                                              "Urgent improvement")),
           oeif=("10/10/2018", "3", ["9", "9", "9", "9", "9", "9"])),
    mi_row("900002", "Invented Academy", phase="Secondary", la="Kent", region="South East",
           card=("02/03/2026", "10/04/2026", "Met", _areas(*["Exceptional"] * 5, "", "Strong standard", "Exceptional"))),
    mi_row("900003", "New Free School", la="Kent", region="South East"),
]
# Invented early years rows: childminders (one who consented to her name being published), childcare
# on domestic premises, and rows the release sets aside.
INVENTED_EARLY_YEARS = [
    ey_row("EY900001", "Childminder", "REDACTED", "6", graded=("12/05/2023", "2")),
    ey_row("EY900002", "Childminder", "A Consenting Childminder", "6", graded=("03/02/2024", "3")),
    ey_row("EY900003", "Childminder", "REDACTED", "5"),  # registered, not yet inspected
    ey_row("EY900004", "Childminder", "REDACTED", "9", la="Kent", graded=("01/10/2022", "1")),
    ey_row("EY900005", "Childminder", "REDACTED", "6", la="Kent", graded=("05/06/2021", "2")),
    ey_row("EY900006", "Childminder", "REDACTED", "6", la="Kent", graded=("07/07/2019", "4")),
    ey_row("EY900007", "Childcare on domestic premises", "REDACTED", "12", la="Kent",
           card=("10/03/2026", "Not met", ["Needs attention", "Needs attention", "Expected standard", "Expected standard",
                                           "Urgent improvement", "Needs attention"])),
    ey_row("EY900008", NON_DOMESTIC, "Invented Out of School Club", "30", subtype="Out-of-school day care", eyr="N"),
    ey_row("EY900009", NON_DOMESTIC, "Invented Closed Nursery", "40", subtype="Full day care", status="Resigned"),
    ey_row("EY900010", "Childminder", "REDACTED", "6", la="Not Recorded", graded=("01/01/2022", "2")),
]


MI_RELEASE, EARLIER_RELEASE, EY_RELEASE = "schools-mi-2026-08-31", "schools-mi-2025-10-31", "early-years-2026-06-30"


def write_site(root: Path) -> dict[str, str]:
    """The source files and catalogue of a tiny site in `root`; the environment (OUTCOMES_*) that
    points the site at it (its data folder is built by the caller)."""
    source = root / "source"
    write_lookup(source)
    mi = write_mi(source / "ofsted_mi" / "Management_information_-_state-funded_schools_-_31_Aug_2026.csv",
                  REAL_SCHOOLS + INVENTED_SCHOOLS)
    earlier = write_mi(source / "ofsted_mi" / "Management_information_-_state-funded_schools_-_31_Oct_2025.csv",
                       EARLIER_SCHOOLS)
    ey = write_ey(source / "ofsted_ey" / "childcare_provider_data_as_at_30_June_2026.csv",
                  REAL_EARLY_YEARS + INVENTED_EARLY_YEARS)
    schools = ("State-funded schools: latest inspections (management information)", "state_funded_school", "schools_mi")
    (root / "releases.toml").write_text(
        entry(EARLIER_RELEASE, *schools, "2025-10-31", "2025-11-20", earlier) + entry(MI_RELEASE, *schools, "2026-08-31", "2026-09-15", mi)
        + entry(EY_RELEASE, "Early years providers (management information)", "early_years", "early_years", "2026-06-30",
                "2026-07-20", ey), encoding="utf-8")
    return {"OUTCOMES_CATALOGUE": str(root / "releases.toml"), "OUTCOMES_SOURCE": str(source), "OUTCOMES_DATA": str(root / "data"),
            "OUTCOMES_NOW": "2026-10-01T12:00:00", "OUTCOMES_STATIC": str(root / "static"), "OUTCOMES_GEO": str(root / "geo")}
