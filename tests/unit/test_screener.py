"""The screener helper itself: a tiny file that passes, and one broken file per rule that it fails."""
from __future__ import annotations

import pandas as pd
import pytest

from tests import screener

LAS = {("383", "E08000035", "Leeds"), ("886", "E10000016", "Kent")}
META = pd.DataFrame([
    {"col_name": "provider_subtype", "col_type": "Filter", "label": "Provider subtype", "indicator_grouping": "",
     "indicator_unit": "", "indicator_dp": "", "filter_hint": "Provision type", "filter_grouping_column": ""},
    {"col_name": "providers", "col_type": "Indicator", "label": "Providers", "indicator_grouping": "Numbers",
     "indicator_unit": "", "indicator_dp": "0", "filter_hint": "", "filter_grouping_column": ""},
    {"col_name": "pct_good", "col_type": "Indicator", "label": "Good (%)", "indicator_grouping": "Shares",
     "indicator_unit": "%", "indicator_dp": "1", "filter_hint": "", "filter_grouping_column": ""},
])


def data_rows() -> pd.DataFrame:
    rows = []
    for level, region, la in [("National", ("", ""), ("", "", "")),
                              ("Regional", ("E12000003", "Yorkshire and The Humber"), ("", "", "")),
                              ("Local authority", ("E12000003", "Yorkshire and The Humber"), ("E08000035", "383", "Leeds")),
                              ("Local authority", ("E12000008", "South East"), ("E10000016", "886", "Kent"))]:
        for subtype, n, pct in [("Total", "5", "80.0"), ("Children's home", "3", "c")]:
            rows.append({"time_period": "2024", "time_identifier": "Reporting year", "geographic_level": level,
                         "country_code": "E92000001", "country_name": "England", "region_code": region[0],
                         "region_name": region[1], "new_la_code": la[0], "old_la_code": la[1], "la_name": la[2],
                         "provider_subtype": subtype, "providers": n, "pct_good": pct})
    return pd.DataFrame(rows)


def run(data: pd.DataFrame, meta: pd.DataFrame = META, name: str = "tiny_file.csv", meta_name: str | None = None):
    to = lambda f: f.to_csv(index=False, lineterminator="\n").encode("utf-8")  # noqa: E731
    findings = screener.screen(to(data), to(meta), name, meta_name or name.replace(".csv", ".meta.csv"), LAS)
    return screener.problems(findings, any(x.check == "ignored_rows" for x in findings))


def test_a_good_file_passes():
    assert run(data_rows()) == []


def _set(column, value, row=0):
    def change(d, m):
        d.loc[row, column] = value
        return d, m
    return change


def _meta(column, value, row=0):
    def change(d, m):
        m.loc[row, column] = value
        return d, m
    return change


BROKEN = {
    "filename_spaces": lambda d, m: (d, m),  # via the name below
    "time_identifier": _set("time_identifier", "As at date"),
    "time_validation": _set("time_period", "2024-03"),
    "time_period": _set("time_period", "20240331"),
    "geographic_level": _set("geographic_level", "County"),
    "data_empty_cols": lambda d, m: (d.assign(spare=""), m),
    "mandatory_cols": lambda d, m: (d.drop(columns="country_name"), m),
    "variable_snake_case": lambda d, m: (d.rename(columns={"providers": "Providers"}),
                                         m.replace({"providers": "Providers"})),
    "data_variable_spaces": lambda d, m: (d.rename(columns={"providers": "all providers"}),
                                          m.replace({"providers": "all providers"})),
    "filter_level": lambda d, m: (d.assign(provider_subtype="Total"), m),
    "total": lambda d, m: (d.replace({"Total": "All types"}), m),
    "blanks_filters": _set("provider_subtype", ""),
    "blanks_indicators": _set("pct_good", "", 1),
    "indicator_values": _set("pct_good", "about 80", 1),
    "null": _set("pct_good", "NA", 1),
    "no_data_symbols": _set("pct_good", "-", 1),
    "obsolete_symbols": _set("pct_good", ":", 1),
    "duplicate_rows": lambda d, m: (pd.concat([d, d.iloc[[6]]], ignore_index=True), m),
    "la_combinations": _set("la_name", "Kingston Upon Leeds", 4),
    "region_combinations": _set("region_name", "Yorkshire and the Humber", 2),
    "country_combinations": _set("country_name", "Englandd"),
    "geography_level_completed": _set("region_code", "", 2),
    "overcompleted_cols": _set("region_code", "E12000003", 0),
    "observational_total": _set("la_name", "Total", 4),
    "code_formats": _set("old_la_code", "38", 4),
    "la_col_present": lambda d, m: (d.drop(columns="new_la_code"), m),
    "whitespace_filters": _set("provider_subtype", "Total ", 0),
    "ob_unit_meta": lambda d, m: (d, pd.concat([m, m.iloc[[0]].assign(col_name="la_name", label="LA")], ignore_index=True)),
    "geographic_catch": lambda d, m: (d.assign(provider_code=d["provider_subtype"]),
                                      pd.concat([m, m.iloc[[0]].assign(col_name="provider_code", label="Code")], ignore_index=True)),
    "meta_to_data_crosscheck": _meta("col_name", "places", 1),
    "invalid_meta_cols": lambda d, m: (d, m.assign(notes="x")),
    "col_type": _meta("col_type", "Measure", 1),
    "label": _meta("label", "Provider subtype", 1),
    "filter_hint": _meta("filter_hint", "How many", 1),
    "indicator_unit": _meta("indicator_unit", "%", 0),
    "indicator_dp": _meta("indicator_dp", "0", 0),
    "indicator_grouping": _meta("indicator_grouping", "Counts", 0),
    "indicator_unit_validation": _meta("indicator_unit", "percent", 2),
    "indicator_dp_validation": _meta("indicator_dp", "one", 2),
    "indicator_dp_completed": _meta("indicator_dp", "", 2),
    "indicators_smushed": lambda d, m: (d.rename(columns={"providers": "providers_female"}),
                                        m.replace({"providers": "providers_female"})),
    "time_identifier_mix": _set("time_identifier", "Calendar year", 3),
}


@pytest.mark.parametrize("rule", sorted(BROKEN))
def test_each_rule_fails_its_broken_file(rule):
    data, meta = BROKEN[rule](data_rows(), META.copy())
    name = "tiny file.csv" if rule == "filename_spaces" else "tiny_file.csv"
    found = run(data, meta, name)
    assert rule in {x.check for x in found}, f"{rule} did not fire: {found}"


def test_messages_name_file_line_and_column():
    data, meta = _set("time_period", "20240331", 3)(data_rows(), META.copy())
    [finding] = [x for x in run(data, meta) if x.check == "time_period"]
    assert finding.message.startswith("tiny_file.csv line 5, column time_period: '20240331' must have 4 digits")


def test_file_names_and_encoding():
    names = {x.check for x in run(data_rows(), META, "tiny_file.csv", "other.meta.csv")}
    assert "naming_convention" in names
    assert "filename_special_characters" in {x.check for x in run(data_rows(), META, "tiny(1).csv", "tiny(1).meta.csv")}
    bad = screener.screen("time_period\n2024\n".encode("cp1252") + b"\xe9\n", b"col_name\n", "a.csv", "a.meta.csv")
    assert "utf8" in {x.check for x in bad}


def test_institution_files_are_ancillary_and_need_no_total():
    rows = data_rows().iloc[[4, 6]].assign(geographic_level="Institution", institution_id=["1", "2"],
                                           institution_name=["REDACTED", "REDACTED"], provider_subtype=["A", "B"])
    meta = META.iloc[[0]]
    findings = screener.screen(rows.to_csv(index=False).encode(), meta.to_csv(index=False).encode(), "p.csv", "p.meta.csv", LAS)
    assert "ignored_rows" in {x.check for x in findings}
    assert screener.problems(findings, ancillary=True) == []
    assert "total" in {x.check for x in screener.problems(findings, ancillary=False)}
