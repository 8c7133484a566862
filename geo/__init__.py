"""Boundary files for the maps: the recipe (`python -m geo.build`) and, once built, its outputs."""
