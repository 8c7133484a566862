"""Publishing: release files at stable addresses, boundary files for the maps, page results made
ahead for every set of releases the public will see, pre-release access, and revisions (amend).
"""
