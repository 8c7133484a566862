"""Local authority profile: every provider type there against its region and England."""
import pandas as pd
import streamlit as st

from outcomes import charts, summaries, web
from outcomes.fields import PROVIDER_TYPES
from outcomes.frameworks import GRADE_LABELS

st.title("Local authority profile")
store = web.store()
lookup = web.query("la_lookup")
if lookup.empty or not store.releases:
    web.no_data("local authority figures")
    st.stop()
current = lookup[lookup["is_current"]].sort_values("la_name")
former = lookup[~lookup["is_current"]].sort_values("la_name")
names = dict(zip(lookup["new_la_code"], lookup["la_name"]))
options = {c: n for c, n in zip(current["new_la_code"], current["la_name"])}
options |= {c: f"{n} (former authority, code {c})" for c, n in zip(former["new_la_code"], former["la_name"])}
default = "E08000035" if "E08000035" in options else next(iter(options))
code = web.choose("Local authority (type to search)", "la", options, default,
                  help="Current upper-tier local authorities; former ones (such as Cumbria) lead to their successors.")
chosen = lookup[lookup["new_la_code"] == code].iloc[0]
if not chosen["is_current"]:
    successors = chosen["successors"].split(",")
    st.info(f"{chosen['la_name']} no longer exists: it {chosen['note']}.")
    for s in successors:
        st.page_link("pages/la_profile.py", label=f"Go to {names.get(s, s)}", query_params={"la": s})
    if len(successors) > 1:
        # A split authority's own figures stay on its own page: nothing else shows them.
        homes = store.latest("social_care_provider")
        trend = web.trend(homes.id, "Children's home", code, chosen["region_code"]) if homes else None
        if trend is not None and trend["date"].nunique() > 1:
            desc = f"Line chart of the share of children's homes good or outstanding in {chosen['la_name']}, its region and England, while it existed."
            web.chart(charts.trend(trend, f"Children's homes good or outstanding: {chosen['la_name']}, region and England", desc), desc)
            web.trend_download(homes, "Children's home", code, chosen["region_code"], key="former_trend")
        st.stop()
    code, chosen = successors[0], lookup[lookup["new_la_code"] == successors[0]].iloc[0]
la_name = chosen["la_name"]
st.header(la_name)
st.caption(f"{chosen['la_type']} in {chosen['region_name']} · ONS code {code} · DfE number {chosen['old_la_code']}")

# Earlier codes of this area (North Yorkshire before 2023, Barnsley before 2024...) count as this LA.
same_area = [code] + sorted(summaries.same_area(code) - {code})
split_from = former[former["successors"].str.contains(code) & former["successors"].str.contains(",")]

summary_lines, blocks = [], []
for ptype, type_label in PROVIDER_TYPES.items():
    release = store.latest(ptype)
    if release is None:
        continue
    subtype = "Children's home" if ptype == "social_care_provider" else None
    la_code = next((c for c in same_area if not web.grade_table(release.id, "local_authority", subtype, la=c).empty), None)
    if la_code is None:
        continue
    comp = summaries.comparison(store, release, la_code, subtype)
    if comp:
        summary_lines.append(summaries.sentence(la_name, comp, release, subtype))
        blocks.append((ptype, type_label, release, subtype, la_code, comp))
if summary_lines:
    st.markdown("\n".join(f"- {s}" for s in summary_lines))
else:
    st.info("None of the published releases has figures for this local authority yet.")

ilacs = store.latest("la_childrens_services")
if ilacs is not None:
    st.subheader("Children's services inspections (ILACS)")
    hist = web.query("history_of", release_id=ilacs.id, la=code)
    if hist.empty:
        st.info("No children's services inspection of this authority is in the data held.")
    else:
        latest = hist.iloc[0]
        st.markdown(f"Latest: **{GRADE_LABELS.get(latest['overall_grade'], 'not graded')}** overall, inspection starting "
                    f"{summaries.long_date(pd.Timestamp(latest['inspection_start_date']).date())}"
                    + (f" ([report]({latest['report_url']}))" if isinstance(latest.get("report_url"), str) else "") + ".")
        cols = [c for c in ("impact_of_leaders", "help_and_protection", "in_care", "care_leavers") if c in hist]
        table = hist[["inspection_start_date", "publication_date", "inspection_type", "overall_grade"] + cols + (["report_url"] if "report_url" in hist else [])].copy()
        for c in ("inspection_start_date", "publication_date"):
            table[c] = pd.to_datetime(table[c]).dt.strftime("%d %b %Y").fillna("not known")
        for c in ["overall_grade"] + cols:
            table[c] = table[c].map(lambda g: GRADE_LABELS.get(g, "—") if isinstance(g, str) else "—")
        table.columns = ["Inspection start", "Published", "Type", "Overall effectiveness", *[
            {"impact_of_leaders": "Impact of leaders", "help_and_protection": "Help and protection", "in_care": "Children in care",
             "care_leavers": "Care leavers"}[c] for c in cols]] + (["Report"] if "report_url" in hist else [])
        st.dataframe(table, hide_index=True, width="stretch",
                     column_config={"Report": st.column_config.LinkColumn("Report", display_text="Ofsted report")})
        st.caption("'—' means the judgement did not exist at the time (care leavers were judged separately from 2023) or could not be read.")

for ptype, type_label, release, subtype, la_code, comp in blocks:
    st.subheader(type_label + (f": {subtype.lower()}s" if subtype else ""))
    st.markdown(web.release_caption(release))
    if ptype in ("la_childrens_services", "area_send") or "pct_good_or_outstanding" not in comp["la"]:
        # The authority itself is the one provider: its grade, against how many authorities
        # in its region and in England had each grade.
        grade = next((GRADE_LABELS[g] for g in GRADE_LABELS if g in comp["la"] and comp["la"][g]), "not graded")
        key = "pct_good_or_outstanding" if "pct_good_or_outstanding" in comp["la"] else "pct_inadequate"
        words = "good or outstanding" if key == "pct_good_or_outstanding" else "with widespread failings"
        region = comp["region"]
        st.markdown(f"**{la_name}: {grade.lower()}.** Of the local authorities with a grade, {region[key]:.1f}% in "
                    f"{region['region_name']} and {comp['england'][key]:.1f}% in England were {words}.")
        continue
    frame = pd.DataFrame([
        {"area": la_name, "value": comp["la"]["pct_good_or_outstanding"], "kind": "This area"},
        {"area": comp["region"]["region_name"] if comp["region"] is not None else "Region",
         "value": comp["region"]["pct_good_or_outstanding"] if comp["region"] is not None else None, "kind": "Region"},
        {"area": "England", "value": comp["england"]["pct_good_or_outstanding"], "kind": "England"}])
    rank = f"ranked {comp['rank']} of {comp['ranked']} local authorities" if comp["rank"] else "not ranked"
    desc = (f"Bar chart comparing the share good or outstanding in {la_name} with its region and England ({rank}; "
            "rank 1 is the highest share, tied authorities share a rank).")
    web.chart(charts.comparison(frame, f"{la_name}: {frame['value'].iloc[0]:.1f}% good or outstanding, {rank}", desc), desc)
    web.tidy_table(release, "local_authority", subtype, la=la_code, key=f"la_{ptype}")
    trend = web.trend(release.id, subtype, la_code, chosen["region_code"])
    if trend["date"].nunique() > 1:
        what = summaries.plural(subtype, release.provider_type_label)
        desc = f"Line chart of the share of {what} good or outstanding in {la_name}, its region and England at each release."
        web.chart(charts.trend(trend, f"{what.capitalize()} good or outstanding over time: {la_name}, region and England", desc,
                               summaries.breaks_between(ptype, trend["date"])), desc)
        st.caption("Years before a reorganisation show the authority of that time where its area was the same "
                   "(North Yorkshire's pre-2023 code, or Bournemouth and Poole before BCP).")
        for old_code, old_name in zip(split_from["new_la_code"], split_from["la_name"]):
            st.page_link("pages/la_profile.py", label=f"Earlier figures: {old_name}, before it was split", query_params={"la": old_code})
        web.trend_download(release, subtype, la_code, chosen["region_code"], key=f"trend_{ptype}")
    with st.expander(f"Map of {chosen['region_name']}"):
        web.area_map(release, subtype, "pct_good_or_outstanding", region=chosen["region_code"], highlight=la_code, key=f"map_{ptype}")

neighbours = [c for c in (chosen["stat_neighbours"] or "").split(",") if c]
if neighbours:
    st.subheader("Statistical neighbours")
    st.caption("The ten authorities most similar to this one (DfE children's services statistical neighbours), "
               "with their latest children's services judgement and share of children's homes good or outstanding.")
    web.table(summaries.neighbours(store, [code] + neighbours))
