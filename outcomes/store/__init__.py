"""The read side: DuckDB over the built parquet and the serving tables, named queries with bound
parameters, a cursor per query. The embargo is enforced here, at the one door to the data.
"""
