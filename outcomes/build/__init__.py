"""The build: published file -> reader -> canonical tables -> checks -> parquet, then the serving tables
(everything a page reads, computed once) and what changed since the previous release. Writes data/; never
imports the read side or the site.
"""
