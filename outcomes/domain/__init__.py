"""The rules of the domain, said once: the field registry, judgement scales and framework breaks, local
authorities and their changes, disclosure control, the release catalogue, the EES file standard, and the
site's words for dates, plurals and the licence. Imports nothing of the project above the floor.
"""
