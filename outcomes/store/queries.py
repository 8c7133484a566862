"""Every query the site and the CLI run, by name. Parameters are bound ($name), never formatted in."""
from __future__ import annotations

QUERIES: dict[str, str] = {
    # -- page time: small precomputed tables --
    "all_grades": """SELECT * FROM grades""",
    "judgement_counts": """
        SELECT judgement, judgement_label, grade, n FROM judgement_counts
        WHERE release_id = $release_id AND subtype_key = $subtype_key
        ORDER BY judgement, grade""",
    "provider_rows": """
        SELECT p.*
        FROM providers p
        WHERE p.release_id = $release_id
          AND ($subtype IS NULL OR p.provider_subtype = $subtype)
          AND ($la IS NULL OR p.new_la_code = $la)
        ORDER BY p.la_name NULLS LAST, p.urn""",
    "subtypes": """
        SELECT provider_subtype, count(*) AS providers
        FROM providers WHERE release_id = $release_id AND in_england AND provider_subtype IS NOT NULL
        GROUP BY ALL ORDER BY providers DESC""",
    "history_of": """
        SELECT h.*
        FROM history h
        WHERE h.release_id = $release_id AND h.new_la_code = $la
        -- SIF reports in Ofsted's workbook carry a publication date only: it orders them instead.
        ORDER BY coalesce(h.inspection_start_date, h.publication_date) DESC""",
    # history_of and change_counts for every LA of a release at once, each LA's rows in the order
    # those queries give them (the store splits them by LA once: Store.by_la).
    "history_by_la": """
        SELECT h.* FROM history h WHERE h.release_id = $release_id
        ORDER BY h.new_la_code, coalesce(h.inspection_start_date, h.publication_date) DESC""",
    "change_counts_by_la": """
        SELECT * FROM change_counts WHERE release_id = $release_id
        ORDER BY new_la_code, comparison, provider_subtype, change""",
    "la_lookup": """SELECT * FROM local_authorities ORDER BY la_name""",
    "change_counts": """
        SELECT * FROM change_counts
        WHERE release_id = $release_id AND ($la IS NULL OR new_la_code = $la)
        ORDER BY comparison, new_la_code, provider_subtype, change""",
    # Find a school: the URN exactly, or part of the name (case-insensitive substring, so '%' and
    # '_' typed by a reader are plain characters). Only ever run on a schools release.
    "school_search": """
        SELECT urn, provider_name, provider_subtype, la_name
        FROM providers
        WHERE release_id = $release_id AND (urn = $text OR contains(lower(provider_name), lower($text)))
        ORDER BY urn <> $text, provider_name, la_name LIMIT $limit""",
    # Every school of a schools release, for the HTML edition's lists and sitemap.
    "schools_of": """
        SELECT urn, provider_name, new_la_code FROM providers
        WHERE release_id = $release_id ORDER BY provider_name, urn""",
    "school": """SELECT * FROM providers WHERE release_id = $release_id AND urn = $urn""",
    "school_judgements": """
        SELECT judgement, judgement_label, grade FROM judgements
        WHERE release_id = $release_id AND urn = $urn ORDER BY judgement""",
}
