"""A release: what it is, when it was published (by Ofsted and here), main findings, quality,
files, pre-release access, updates, and the releases before and after it (?id=...&version=N)."""
import pandas as pd
import streamlit as st

from outcomes.domain.wording import long_date, when
from outcomes.web import cache, render, widgets

st.title("About a release")
store = cache.store()
if not store.releases:
    render.no_data("releases")
    st.stop()
options = {r.id: r.title for r in sorted(store.releases, key=lambda r: (r.provider_type, r.as_at), reverse=True)}
default = store.latest(store.releases[0].provider_type).id
release_id = widgets.choose("Release", "id", options, default, resets=("version",))
asked = st.query_params.get("version")
version = int(asked) if asked and asked.isdigit() else None
page = cache.release_page(release_id, version)
if page is None:
    st.warning(f"There is no version {asked} of this release; showing the latest.")
    st.query_params.pop("version", None)
    version, page = None, cache.release_page(release_id, None)
r = page.release
if page.is_latest:
    render.plain_html_link(f"/releases/{r.id}")

st.header(r.title, divider=False)
if not page.is_latest:
    st.warning(f"You are reading version {page.version} of this release. It has since been updated: "
               f"[read the latest version (version {page.latest_version})]({render.release_link(r.id)}).")
if page.correction:
    st.info(page.correction)
st.markdown(f"**{r.status_label}** · {r.provider_type_label} · as at **{long_date(r.as_at)}** · "
            f"coverage: {r.coverage} · version {page.version}")
c1, c2 = st.columns(2)
c1.markdown(f"**Published by Ofsted:** {page.ofsted_published}" +
            (f"  \n[The source publication]({r.source_publication})" if r.source_publication else ""))
c2.markdown(f"**Published on this site:** {page.site_published}")
if r.definition:
    st.markdown(f"**What it counts.** {r.definition}")
st.markdown(f"**Cut-off.** Inspections whose reports were published by {long_date(r.cutoff)}. {r.cutoff_note}")
if r.notes:
    st.caption(r.notes)

st.subheader("Main findings")
st.markdown("\n".join(f"- {line}" for line in page.findings))
if page.changes:
    st.subheader("What changed since the last release")
    st.markdown("\n".join(f"- {line}" for line in page.changes))
    if page.change_note:
        st.caption(f"A framework change falls between the two releases ({page.change_note}): a provider's grade "
                   "before and after it is on a different footing, so treat the movements with care.")
    st.caption("Each provider's overall grade at its latest inspection is compared by URN with the previous release "
               "of the same series; local authority profiles list the same counts for each authority.")

if page.flow:
    st.subheader("Inspections in the six months")
    st.markdown(page.flow + " The figures above are the stock: each authority's latest inspection as at the date.")
    if page.flow_table is not None:
        st.dataframe(page.flow_table, hide_index=True, width="stretch")

st.subheader("Quality assurance")
if page.qa_summary.empty:
    st.markdown("The QA exception report of this release has no findings.")
else:
    st.markdown("Findings of the checks run when this release was built, by severity and check "
                "(see the methodology page for what each check means).")
    st.dataframe(page.qa_summary, hide_index=True, width="stretch")
if page.qa_csv:
    st.download_button("Download the full QA report (CSV)", page.qa_csv, file_name=f"{r.id}-v{page.version}-qa-report.csv",
                       mime="text/csv", key="qa_csv")

st.subheader("Quality assurance checklist")
st.markdown("Checked before publication, every time: items ticked by the build from its own checks, the rest "
            "signed by a named member of the statistics team.")
st.dataframe(pd.DataFrame({"Check": [c.item.label for c in page.checklist],
                           "Done": ["yes" if c.done else "not yet" for c in page.checklist],
                           "By": [c.by or "—" for c in page.checklist], "When": [when(c.at) if c.at else "—" for c in page.checklist],
                           "Note": [c.note or "—" for c in page.checklist]}), hide_index=True, width="stretch")

st.subheader("Files")
files = render.release_files_of(r) if page.is_latest else []
if files:
    st.markdown("The whole release as a zip (tidy CSVs, metadata, data guidance, QA report, licence), and each file in it, "
                "at stable addresses a script can fetch:")
    st.markdown("\n".join(f"- [{name}]({url}) (`{url}`)" for name, url in files))
else:
    zipped = cache.release_zip(r.id) if page.is_latest else cache.version_zip(r.id, page.version)
    st.download_button("Download the whole release (zip: tidy CSVs, metadata, data guidance, QA report, licence)", zipped,
                       file_name=f"{r.id}-v{page.version}.zip", mime="application/zip", key="release_zip")

st.subheader("Pre-release access")
if not page.is_published:
    st.markdown("The list of people given pre-release access is published here with the release.")
elif page.pre_release_access:
    st.markdown("These people had access to the release in the 24 hours before publication: "
                + ", ".join(page.pre_release_access) + ".")
else:
    st.markdown("No one had pre-release access to this release on this site.")

st.subheader("Updates to this release")
st.dataframe(pd.DataFrame(page.updates, columns=["Version", "Date", "What changed"]), hide_index=True, width="stretch")
older = [v for v in page.versions if v != page.version]
for v in older:
    st.markdown(f"- [Version {v}]({render.release_link(r.id, v if v != page.latest_version else None)})")

st.subheader("Other releases in this series")
for label, other in (("Previous release", page.previous), ("Next release", page.next)):
    if other is not None:
        st.page_link("views/release.py", label=f"{label}: {other.title}", query_params={"id": other.id})
    else:
        st.markdown(f"{label}: none on this site.")
st.page_link("views/calendar.py", label="Release calendar: what is published and what is announced")
