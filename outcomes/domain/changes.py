"""What counts as a change between two releases, and its words.

Each provider's overall grade is compared, by URN, with the previous release of the same series,
ranked with frameworks.GRADE_RANK. Where a framework break falls between the two "as at" dates the
comparison is kept but labelled (frameworks.break_label), never silently mixed. For local authority
children's services, each authority's first ILACS inspection is also compared with its latest: the
movement Ofsted reports in its LA release ("Of the 65 LAs that received more than 1 inspection under
the ILACS framework, 26 improved...", Ofsted, Local authority inspection outcomes as at 31 March 2024,
main findings). outcomes.build.changes counts them; pages word them.
"""
from __future__ import annotations

import datetime as dt

from outcomes.domain.frameworks import GRADE_RANK

# The words each outcome is shown with, in the order a page lists them.
CHANGES: dict[str, str] = {
    "improved": "improved",
    "declined": "declined",
    "same": "kept the same grade",
    "newly_inspected": "were newly inspected",
    "new_not_yet_inspected": "are new and not yet inspected",
    "not_yet_inspected": "are still not yet inspected",
    "not_comparable": "have grades on scales that cannot be compared",
    "closed_or_left": "closed or left the register",
    "outside_scope": "cannot be followed (one of the two files lists inspected providers only)",
}
PREVIOUS_RELEASE = "previous_release"
FIRST_TO_LATEST_ILACS = "first_to_latest_ilacs"
ILACS_START = dt.date(2018, 1, 1)  # ILACS replaced the single inspection framework (frameworks.BREAKS)


def classify(previous: str | None, current: str | None, in_previous: bool, in_current: bool,
             previous_inspected_only: bool = False, current_inspected_only: bool = False) -> str:
    """One provider's change between two releases (grades are canonical grade keys or None).

    A file of inspected providers only does not list a provider not yet inspected: a provider
    missing from it may be open all the same. So one absent from such a file counts as closed only
    if it had been inspected (it would be listed if open), and one new beside such a file counts as
    new only once inspected; the rest are outside the comparison's scope."""
    p, c = GRADE_RANK.get(previous or ""), GRADE_RANK.get(current or "")
    if not in_current:
        uninspected = previous in (None, "not_yet_graded")
        return "outside_scope" if current_inspected_only and uninspected else "closed_or_left"
    inspected = current not in (None, "not_yet_graded")  # with or without an overall grade
    if not in_previous:
        if inspected:
            return "newly_inspected"
        return "outside_scope" if previous_inspected_only else "new_not_yet_inspected"
    if p is not None and c is not None:
        return "improved" if c < p else "declined" if c > p else "same"
    if inspected:
        return "newly_inspected" if previous in (None, "not_yet_graded") else "not_comparable"
    if current in (None, "not_yet_graded") and previous in (None, "not_yet_graded"):
        return "not_yet_inspected"
    return "not_comparable"
