"""Compliance: a facility's status from its current inspections (SCORING.md "One
facility"), the facility view, the department list and its CSV export."""
