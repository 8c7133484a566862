"""One registry of every column the project publishes or checks.

Validation in the build, the data guidance, the metadata CSV and the labels and tooltips on
the site all read this registry, so a column is described once (the PUDL pattern).
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

@dataclass(frozen=True)
class ProviderType:
    """What the site needs to know about one family of providers, said once."""
    key: str
    label: str
    unit: str                     # plural noun of what is counted: "providers", "local authorities"
    headline_subtype: str | None  # the subtype a page leads with (children's homes of all social care)
    la_is_provider: bool          # the LA is itself inspected (ILACS, area SEND): its own grade, no share
    has_geography: bool = True    # false where the release is national only (FE 2021)
    good_or_better_scale: bool = True  # the scale has good/outstanding (area SEND's 2023 scale does not)
    # The files list inspections, not one row per provider: the build keeps each provider's latest
    # inspection as at the release date (the area SEND file holds only each area's latest
    # inspection, so a snapshot at an earlier date must drop the later ones).
    dated_snapshot: bool = False
    # Days between an inspection's start and its report, typically (the median in the compiled
    # histories: ILACS 51-56, area SEND 66). A row with a publication date but no start date is
    # placed this long before its publication; the methodology page states the rule.
    report_lag_days: int = 0
    has_places: bool = False  # providers are registered for a number of places (children's social care)
    # Subtypes whose providers Ofsted never names or locates (childminders and home-based childcare):
    # they are counted, their names stay REDACTED whatever a file holds, and no address is read.
    unnamed_subtypes: tuple[str, ...] = ()


TYPES: dict[str, ProviderType] = {t.key: t for t in (
    ProviderType("la_childrens_services", "Local authority children's services", "local authorities", None, True,
                 dated_snapshot=True, report_lag_days=56),
    ProviderType("social_care_provider", "Children's social care providers", "providers", "Children's home", False,
                 has_places=True),
    ProviderType("state_funded_school", "State-funded schools", "schools", None, False),
    ProviderType("area_send", "Area SEND (local area partnerships)", "local areas", None, True,
                 good_or_better_scale=False, dated_snapshot=True, report_lag_days=66),
    ProviderType("further_education", "Further education and skills providers", "providers", None, False,
                 has_geography=False),
    # Providers on the Early Years Register (Ofsted's quarterly management information), by Ofsted's
    # provider type: childminders, childcare on non-domestic premises, childcare on domestic premises.
    ProviderType("early_years", "Early years providers", "providers", None, False, has_places=True,
                 unnamed_subtypes=("Childminder", "Childcare on domestic premises", "Home childcarer")),
)}
PROVIDER_TYPES: dict[str, str] = {k: t.label for k, t in TYPES.items()}

class Level(StrEnum):
    """A level of geography, as the URL, the CLI and the serving tables name it."""
    NATIONAL = "national"
    REGIONAL = "regional"
    LOCAL_AUTHORITY = "local_authority"
    PROVIDER = "provider"

    @property
    def label(self) -> str:
        """The EES `geographic_level` value of the level, which is also its name for people."""
        return LEVEL_LABELS[self]


LEVEL_LABELS: dict[str, str] = {Level.NATIONAL: "National", Level.REGIONAL: "Regional",
                                Level.LOCAL_AUTHORITY: "Local authority", Level.PROVIDER: "Provider"}
AREA_LEVELS = (Level.NATIONAL, Level.REGIONAL, Level.LOCAL_AUTHORITY)  # the levels of the aggregate tables


class Status(StrEnum):
    """A release's statistical status (Code of Practice for Statistics), as the catalogue writes it."""
    OFFICIAL = "official"
    OFFICIAL_PARTIAL = "official_partial"
    MANAGEMENT_INFORMATION = "management_information"
    DERIVED = "derived"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def authority(self) -> int:
        """Which release a headline uses: the most authoritative status first (a derived register
        extract never outranks Ofsted's own statistics)."""
        return {Status.OFFICIAL: 3, Status.OFFICIAL_PARTIAL: 2, Status.MANAGEMENT_INFORMATION: 2, Status.DERIVED: 1}[self]

    @property
    def needs_warning(self) -> bool:
        """Derived data and partial coverage carry a visible warning wherever they are shown."""
        return self in (Status.DERIVED, Status.OFFICIAL_PARTIAL)


class Counts(StrEnum):
    """Which providers a release's counts cover. Some of Ofsted's provider-level files list only the
    providers with a latest full inspection (social care 2015-2020, 2023, 2024): their counts of
    providers and places are of inspected providers only, not every active one (outcomes.domain.releases)."""
    ALL_REGISTERED = "all_registered"
    INSPECTED_ONLY = "inspected_only"

    @property
    def label(self) -> str:
        return {Counts.ALL_REGISTERED: "All registered providers", Counts.INSPECTED_ONLY: "Inspected providers only"}[self]


STATUS_LABELS: dict[str, str] = {
    Status.OFFICIAL: "Official statistics",
    Status.OFFICIAL_PARTIAL: "Official statistics (partial coverage)",
    Status.MANAGEMENT_INFORMATION: "Management information",
    Status.DERIVED: "Derived data (not official statistics)",
}

# Suppression and missing-value symbols of the GSS / EES standard, as used in our downloads.
SYMBOLS: dict[str, str] = {
    "z": "Not applicable: the measure does not exist for this row (e.g. a share with no graded providers).",
    "x": "Not available: the source does not give this figure.",
    "c": "Confidential: suppressed because a count of 1 or 2 could identify a children's home or childminder.",
    "low": "Rounds to 0 but is not 0.",
}


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    description: str
    type: str  # string | integer | number | date | boolean
    allowed: tuple[str, ...] | None = None
    nullable: bool = True
    unit: str | None = None
    role: str = "filter"  # geography | time | filter | indicator | attribute

    def guidance_row(self) -> dict[str, str]:
        return {
            "col_name": self.name,
            "label": self.label,
            "description": self.description,
            "type": self.type,
            "allowed_values": "; ".join(self.allowed) if self.allowed else "",
            "unit": self.unit or "",
            "role": self.role,
        }


class Grade(StrEnum):
    """Every canonical grade the build writes (outcomes.domain.frameworks maps published labels to
    these and words them for people)."""
    OUTSTANDING = "outstanding"
    GOOD = "good"
    REQUIRES_IMPROVEMENT = "requires_improvement"
    ADEQUATE = "adequate"
    SATISFACTORY = "satisfactory"
    INADEQUATE = "inadequate"
    MET = "met"
    NOT_MET = "not_met"
    POSITIVE = "positive"
    INCONSISTENT = "inconsistent"
    WIDESPREAD_FAILINGS = "widespread_failings"
    CONSISTENTLY_STRONG = "consistently_strong"
    INCONSISTENT_QUALITY = "inconsistent_quality"
    SERIOUS_WEAKNESSES = "serious_weaknesses"
    # Report cards (from 10 November 2025): an evaluation area's grade, never an overall grade
    # (outcomes.domain.report_cards).
    EXCEPTIONAL = "exceptional"
    STRONG_STANDARD = "strong_standard"
    EXPECTED_STANDARD = "expected_standard"
    NEEDS_ATTENTION = "needs_attention"
    URGENT_IMPROVEMENT = "urgent_improvement"
    NO_OVERALL_GRADE = "no_overall_grade"
    NOT_KNOWN = "not_known"


GRADE_CODES = tuple(g.value for g in Grade)
NOT_YET_GRADED = "not_yet_graded"  # a provider with no full inspection yet: a count, never a grade

_F = [
    # -- time and geography (EES open data standard order) --
    Field("time_period", "Time period", "The reporting year of an 'as at' snapshot (YYYY), or the academic or financial year of in-year inspections (YYYYYY, e.g. 202425).", "string", nullable=False, role="time"),
    Field("time_identifier", "Time identifier", "What the time period means (EES convention): 'Reporting year' for an annual 'as at' snapshot (the stock); the academic or financial year of the inspections carried out in it (the flow).", "string", ("Reporting year", "Academic year", "Financial year"), nullable=False, role="time"),
    Field("as_at_date", "As at date", "The exact date the figures are 'as at' (YYYY-MM-DD): each provider's latest inspection up to that date.", "date", nullable=False, role="time"),
    Field("geographic_level", "Geographic level", "The level of geography of the row ('Institution' for one row per provider).", "string", tuple(LEVEL_LABELS.values()) + ("Institution",), nullable=False, role="geography"),
    Field("country_code", "Country code", "ONS code of the country (E92000001 for England).", "string", role="geography"),
    Field("country_name", "Country", "Country name.", "string", role="geography"),
    Field("region_code", "Region code", "ONS code of the English region (E12).", "string", role="geography"),
    Field("region_name", "Region", "English region.", "string", role="geography"),
    Field("new_la_code", "LA code (ONS)", "ONS code of the upper-tier local authority as it was at the time of the figures.", "string", role="geography"),
    Field("old_la_code", "LA number (DfE)", "DfE three-digit local authority number.", "string", role="geography"),
    Field("la_name", "Local authority", "Upper-tier local authority, as it was at the time of the figures.", "string", role="geography"),
    Field("institution_id", "Provider URN", "Provider-level files: Ofsted's unique reference number (URN; UKPRN for further education) in the EES 'Institution' level column.", "string", role="geography"),
    Field("institution_name", "Provider name", "Provider-level files: the provider's name as published (children's homes and childminders stay REDACTED) in the EES 'Institution' level column.", "string", role="geography"),
    # -- filters --
    Field("provider_type", "Provider type", "The family of providers Ofsted inspects, one release series each.", "string", tuple(PROVIDER_TYPES), nullable=False),
    Field("provider_subtype", "Provider subtype", "Provision type (social care), Ofsted phase (schools), provider group (FE), Ofsted's provider type (early years: childminder, childcare on non-domestic or domestic premises) or 'Local authority'.", "string"),
    Field("counts_basis", "Counts cover", "Which providers the counts cover: every registered provider, or inspected providers only where Ofsted's provider-level file lists only providers with an inspection (children's social care as at 31 March 2015-2020, 2023 and 2024). National rows of 2015-2020 take Ofsted's own count of every active provider (Table 6 of its 2022 workbook); shares are of graded providers either way.", "string", ("All registered providers", "Inspected providers only")),
    # -- provider-level attributes --
    Field("urn", "URN", "Ofsted unique reference number of the provider (UKPRN for further education).", "string", nullable=False, role="attribute"),
    Field("provider_name", "Provider name", "Name as published. Children's homes are published as REDACTED and stay so; childminders and childcare on domestic premises are REDACTED here whatever the file holds.", "string", role="attribute"),
    Field("la_name_published", "LA as published", "The local authority exactly as the source file spells it.", "string", role="attribute"),
    Field("in_england", "In England", "False for the few providers the source lists in Welsh local authorities: they are kept out of England totals.", "boolean", nullable=False, role="attribute"),
    Field("inspection_id", "Inspection number", "Ofsted's number of the inspection event (blank if not published).", "string", role="attribute"),
    Field("inspection_type", "Inspection type", "Type of the latest inspection as published.", "string", role="attribute"),
    Field("inspection_start_date", "Inspection date", "Start date of the latest (full or graded) inspection.", "date", role="attribute"),
    Field("publication_date", "Publication date", "Date the inspection report was published.", "date", role="attribute"),
    Field("framework", "Inspection framework", "The framework (and judgement scale) the overall grade was given under.", "string", role="attribute"),
    Field("overall_grade", "Overall grade", "Overall effectiveness (or equivalent) at the latest inspection, as a canonical grade; blank if not yet inspected.", "string", GRADE_CODES, role="attribute"),
    Field("overall_grade_published", "Overall grade as published", "The overall judgement exactly as the source file gives it.", "string", role="attribute"),
    Field("places", "Places", "Registered places (social care and early years providers).", "integer", role="attribute", unit="places"),
    Field("sector", "Sector", "Ownership sector (social care providers): private, local authority, voluntary...", "string", role="attribute"),
    Field("report_url", "Report", "Link to the inspection report (LA children's services, from the compiled history).", "string", role="attribute"),
    Field("outcome_text", "Outcome as written", "Area SEND: the inspection outcome in the report's words.", "string", role="attribute"),
    Field("ungraded_inspection_date", "Latest ungraded inspection", "Schools: date of the latest ungraded inspection since the last graded one (blank if none).", "date", role="attribute"),
    Field("ungraded_publication_date", "Ungraded inspection published", "Schools: publication date of that ungraded inspection's report.", "date", role="attribute"),
    Field("ungraded_outcome", "Ungraded inspection outcome", "Schools: outcome of the latest ungraded inspection, on its own scale (not a grade): standards maintained, improved significantly, some aspects not as strong.", "string", ("standards_maintained", "improved_significantly", "not_as_strong"), role="attribute"),
    Field("ungraded_outcome_published", "Ungraded outcome as published", "The ungraded inspection outcome exactly as the source file gives it (e.g. 'School remains Good').", "string", role="attribute"),
    Field("previous_inspection_start_date", "Previous graded inspection", "Schools: start date of the graded inspection before the latest one (blank if none).", "date", role="attribute"),
    Field("previous_publication_date", "Previous graded inspection published", "Schools: publication date of that previous graded inspection's report.", "date", role="attribute"),
    Field("previous_overall_grade", "Previous overall grade", "Schools: overall effectiveness at the previous graded inspection, as a canonical grade (blank if none or not judged).", "string", GRADE_CODES, role="attribute"),
    Field("previous_overall_grade_published", "Previous overall grade as published", "Schools: the previous graded inspection's overall effectiveness exactly as the source file gives it.", "string", role="attribute"),
    Field("source_file", "Source file", "The published file the row was read from.", "string", nullable=False, role="attribute"),
    Field("source_row", "Source row", "Line number of the row in the source file (1 = first line).", "integer", nullable=False, role="attribute"),
    Field("inspection_kind", "Inspection kind", "In-year tables: 'graded' (key judgements given) or 'ungraded' (the school's last grade stands or not).", "string", ("graded", "ungraded")),
    # -- judgements (long table) --
    Field("judgement", "Judgement", "Which judgement of the framework (overall, or a sub-judgement). Report card evaluation areas (from 10 November 2025) start 'rc_' and have their own five-point scale; 'rc_safeguarding' is met or not met.", "string"),
    Field("judgement_label", "Judgement name", "The judgement's name as Ofsted words it.", "string", role="attribute"),
    Field("grade", "Grade", "Canonical grade of the judgement.", "string", GRADE_CODES, role="attribute"),
    Field("grade_published", "Grade as published", "The grade exactly as the source gives it.", "string", role="attribute"),
    # -- indicators --
    Field("providers", "Providers", "Number of providers in the release for this row: inspected or not, or inspected only where `counts_basis` says so.", "integer", role="indicator", unit="providers"),
    Field("registered_places", "Registered places", "Places the providers are registered for (children's social care, where agencies have none, and early years). x where the file gives no places (31 March 2015).", "integer", role="indicator", unit="places"),
    Field("graded", "Graded providers", "Providers with an overall grade at their latest inspection (the denominator of the shares).", "integer", role="indicator", unit="providers"),
    Field("outstanding", "Outstanding", "Providers judged outstanding.", "integer", role="indicator", unit="providers"),
    Field("good", "Good", "Providers judged good.", "integer", role="indicator", unit="providers"),
    Field("requires_improvement", "Requires improvement", "Providers judged requires improvement (to be good).", "integer", role="indicator", unit="providers"),
    Field("adequate", "Adequate", "Providers judged adequate (social care frameworks before April 2015).", "integer", role="indicator", unit="providers"),
    Field("satisfactory", "Satisfactory", "Providers judged satisfactory (school and boarding frameworks before 2012-13).", "integer", role="indicator", unit="providers"),
    Field("inadequate", "Inadequate", "Providers judged inadequate.", "integer", role="indicator", unit="providers"),
    Field("positive", "Positive experiences", "Area SEND: the arrangements typically lead to positive experiences and outcomes.", "integer", role="indicator", unit="local areas"),
    Field("inconsistent", "Inconsistent experiences", "Area SEND: the arrangements lead to inconsistent experiences and outcomes.", "integer", role="indicator", unit="local areas"),
    Field("widespread_failings", "Widespread failings", "Area SEND: there are widespread and/or systemic failings.", "integer", role="indicator", unit="local areas"),
    Field("consistently_strong", "Consistently strong", "Supported accommodation: consistently strong service delivery.", "integer", role="indicator", unit="providers"),
    Field("inconsistent_quality", "Inconsistent quality", "Supported accommodation: inconsistent quality of service delivery.", "integer", role="indicator", unit="providers"),
    Field("serious_weaknesses", "Serious weaknesses", "Supported accommodation: serious or widespread weaknesses.", "integer", role="indicator", unit="providers"),
    Field("no_overall_grade", "No overall grade", "Inspected under a framework that gives no single overall grade (e.g. ILACS from 2026).", "integer", role="indicator", unit="providers"),
    Field("not_known", "Grade not known", "The grade could not be read from the source.", "integer", role="indicator", unit="providers"),
    Field("not_yet_graded", "Not yet inspected", "Providers with no full inspection yet (newly registered).", "integer", role="indicator", unit="providers"),
    Field("inspections", "Inspections", "In-year tables: inspections carried out in the year and published by the cut-off (the flow, not the stock).", "integer", role="indicator", unit="inspections"),
    Field("pct_good_or_outstanding", "Good or outstanding (%)", "Share of graded providers judged good or outstanding, to one decimal place.", "number", role="indicator", unit="%"),
    Field("pct_inadequate", "Inadequate (%)", "Share of graded providers judged inadequate (or widespread failings), to one decimal place.", "number", role="indicator", unit="%"),
]

FIELDS: dict[str, Field] = {f.name: f for f in _F}

GEOGRAPHY_COLUMNS = [
    "time_period", "time_identifier", "geographic_level", "country_code", "country_name",
    "region_code", "region_name", "new_la_code", "old_la_code", "la_name",
]

PROVIDER_COLUMNS = [
    "provider_type", "provider_subtype", "urn", "provider_name", "la_name_published",
    "new_la_code", "old_la_code", "la_name", "region_code", "region_name", "in_england",
    "inspection_id", "inspection_type", "inspection_start_date", "publication_date",
    "framework", "overall_grade", "overall_grade_published", "places", "sector",
    "source_file", "source_row",
]

# Columns some provider types add after PROVIDER_COLUMNS (LA report links, area SEND outcome
# text, the ungraded-inspection block of the schools files).
PROVIDER_EXTRA_COLUMNS = [
    "report_url", "outcome_text", "ungraded_inspection_date", "ungraded_publication_date",
    "ungraded_outcome", "ungraded_outcome_published",
    "previous_inspection_start_date", "previous_publication_date", "previous_overall_grade", "previous_overall_grade_published",
]

# A release's in-year table (inspections_in_year.parquet): the inspections carried out in the year
# to the release date and published by its cut-off, one row per judgement (see outcomes/in_year.py).
IN_YEAR_COLUMNS = [
    "urn", "provider_subtype", "new_la_code", "old_la_code", "la_name", "region_code", "region_name",
    "inspection_kind", "inspection_start_date", "publication_date", "judgement", "grade", "ungraded_outcome",
]

JUDGEMENT_COLUMNS = ["urn", "judgement", "judgement_label", "grade", "grade_published"]

# What changed since the previous release (serving table change_counts.parquet, outcomes.build.changes):
# counts by comparison, LA and subtype of each kind of change (outcomes.domain.changes.CHANGES).
CHANGE_COUNT_COLUMNS = ["release_id", "comparison", "previous_id", "break_label", "new_la_code", "la_name",
                        "provider_subtype", "change", "n"]

COUNT_INDICATORS = [
    "outstanding", "good", "requires_improvement", "adequate", "satisfactory", "inadequate",
    "positive", "inconsistent", "widespread_failings", "consistently_strong", "inconsistent_quality",
    "serious_weaknesses", "no_overall_grade", "not_known",
]


def label(name: str) -> str:
    """Human label of a column; falls back to the name for unregistered columns."""
    f = FIELDS.get(name)
    return f.label if f else name


def data_guidance_rows() -> list[dict[str, str]]:
    return [f.guidance_row() for f in _F]
