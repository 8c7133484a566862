"""Every QA check of a release, in one place: findings and the report the statistics team reads,
the checks run on each built table, source pins, cross-checks against independent tables, and Ofsted's own
national aggregates. Hard findings block publication; warnings are for a person to judge.
"""
