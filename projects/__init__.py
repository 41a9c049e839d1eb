"""Riskboard's Django app: teams, projects, revisions and estimates; the engine lives in engine/."""
