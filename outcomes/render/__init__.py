"""The same results in other forms: tables for people, CSV files a spreadsheet opens safely, and
the release zip with its data guidance and licence. Renders; never recomputes a figure.
"""
