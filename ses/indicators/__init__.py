"""Indicators of the sector's condition: definitions, computations by territory, dashboards."""
