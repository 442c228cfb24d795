"""Compliance: a facility's status from its current inspections (docs/scoring.md "One
facility"), the facility view, the department list and its CSV export."""
