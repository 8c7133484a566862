"""The site's words for things, said once: dates, plurals of what is counted, and the licence and
attribution every page, file and map carries (PROVENANCE.md: Ofsted, DfE and ONS, Open Government
Licence v3.0)."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from outcomes import settings

NOT_KNOWN = "not known"


def long_date(d) -> str:
    """'5 March 2024' (GOV.UK style: no leading zero, the month in full); 'not known' for a blank."""
    if d is None or (isinstance(d, str) and not d) or (not isinstance(d, str) and pd.isna(d)):
        return NOT_KNOWN
    if not isinstance(d, dt.date):
        d = pd.Timestamp(d)
    return f"{d.day} {d:%B %Y}"


def when(t) -> str:
    """'16 July 2025, 09:30' (London time), '16 July 2025' for a date alone, 'not recorded' for none."""
    if t is None:
        return "not recorded"
    if isinstance(t, dt.datetime):
        t = t.astimezone(settings.LONDON)
        return f"{long_date(t)}, {t:%H:%M}"
    return long_date(t)


SUBTYPE_PLURALS = {
    "Children's home": "children's homes", "Independent fostering agency": "independent fostering agencies",
    "Local authority": "local authorities' children's services",
    "Childminder": "childminders", "Childcare on non-domestic premises": "providers of childcare on non-domestic premises",
    "Childcare on domestic premises": "providers of childcare on domestic premises",
}


def plural(subtype: str | None, provider_type_label: str) -> str:
    """What a figure counts, in words: 'children's homes', 'state-funded schools'."""
    if subtype:
        return SUBTYPE_PLURALS.get(subtype, subtype.lower() + (" providers" if not subtype.lower().endswith("s") else ""))
    return provider_type_label[:1].lower() + provider_type_label[1:]


OGL_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
OGL = "Contains public sector information licensed under the Open Government Licence v3.0"
SOURCES = "Source: Ofsted (inspection outcomes); Department for Education (local authority lookups)."


def ons_attribution(year: int, copyright_sign: str = "©") -> str:
    """ONS's attribution for its boundaries of `year` (2023 for the LAs, 2022 for the regions)."""
    return ("Source: Office for National Statistics licensed under the Open Government Licence v.3.0. "
            f"Contains OS data {copyright_sign} Crown copyright and database right {year}.")


BOUNDARY_YEAR = 2023  # the LA boundaries every LA map draws (ONS upper-tier LAs, 2023)
# The footer of every page.
FOOTER = (f"Source: Ofsted inspection outcomes, compiled from Ofsted's published files (see Methodology for each release). "
          f"{OGL.replace('Open Government Licence v3.0', f'[Open Government Licence v3.0]({OGL_URL})')}. "
          f"Boundaries: {ons_attribution(BOUNDARY_YEAR)}")
# LICENCE.txt in every release zip (plain ASCII text).
LICENCE = f"{OGL}\n{OGL_URL}\n\n{SOURCES}\nBoundaries: {ons_attribution(BOUNDARY_YEAR, '(c)').replace('v.3.0. ', 'v.3.0.' + chr(10))}\n"
