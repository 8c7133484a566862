"""Overview: the headline for each provider type, and the trend with framework breaks."""
import pandas as pd
import streamlit as st

from outcomes import charts, summaries, web
from outcomes.fields import PROVIDER_TYPES
from outcomes.frameworks import GRADE_LABELS

st.title("Ofsted inspection outcomes in England")
st.markdown("How providers were judged at their latest Ofsted inspection, by type of provider and by local "
            "authority. Each figure is a snapshot **as at** the date shown: every provider's most recent inspection by then.")

store = web.store()
if not store.releases:
    web.no_data("releases")
    st.stop()

for ptype, type_label in PROVIDER_TYPES.items():
    release = store.latest(ptype)
    if release is None:
        continue
    nat = web.grade_table(release.id, "national", None)
    if nat.empty:
        continue
    row = nat.iloc[0]
    with st.container(border=True):
        st.header(type_label, divider=False)
        c1, c2, c3 = st.columns([2, 2, 3])
        where = "" if release.coverage.startswith("England") else f" ({release.coverage.split(' (')[0].split(':')[0]})"
        if "pct_good_or_outstanding" in nat and row["graded"] > 0:
            c1.metric("Good or outstanding" + where, f"{row['pct_good_or_outstanding']:.1f}%",
                      help="Share of providers with an overall grade that were judged good or outstanding.")
        else:
            grades = [g for g in ("positive", "inconsistent", "widespread_failings") if g in nat]
            c1.markdown("  \n".join(f"**{int(row[g])}** {GRADE_LABELS[g].lower()}" for g in grades) or "No overall grades")
        c2.metric("Providers" + where, f"{int(row['providers']):,}",
                  help="All providers in the release, including those not yet inspected.")
        c3.markdown(web.release_caption(release))
        if row["providers"] != row["graded"]:
            c3.caption(f"{int(row['graded']):,} have an overall grade; the rest are not yet inspected or were "
                       "inspected under a framework with no overall grade.")
        st.page_link("pages/provider_types.py", label=f"Explore {type_label.lower()}", query_params={"type": ptype})

st.header("Trend: children's homes and local authorities")
ch = store.latest("social_care_provider")
la = store.latest("la_childrens_services")
frames = []
if ch:
    t = web.trend(ch.id, "Children's home").assign(series="Children's homes")
    frames.append(t)
if la:
    frames.append(web.trend(la.id, None).assign(series="Local authority children's services"))
if frames:
    data = pd.concat(frames, ignore_index=True)
    breaks = pd.concat([summaries.breaks_between(r.provider_type, data["date"]) for r in (ch, la) if r], ignore_index=True)
    latest_ch = data[data["series"] == "Children's homes"].tail(1)
    title = "Share good or outstanding at latest inspection"
    if len(latest_ch):
        title = f"{latest_ch['value'].iloc[0]:.0f}% of children's homes were good or outstanding as at {summaries.long_date(latest_ch['date'].iloc[0])}"
    description = ("Line chart of the share of children's homes and of local authorities' children's services judged good or "
                   "outstanding at their latest inspection, at each release date, with framework changes marked.")
    web.chart(charts.trend(data, title, description, breaks), description)
    for b in breaks.itertuples():
        st.markdown(f"**{b.label} ({b.date:%B %Y}).** {b.explanation}")
    with st.expander("Chart data as a table"):
        for r, subtype in ((ch, "Children's home"), (la, None)):
            if r:
                web.trend_download(r, subtype, key=f"trend_{r.provider_type}")
