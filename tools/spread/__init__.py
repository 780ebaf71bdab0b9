"""Seed-spread experiments (tools/seed_spread.py runs them: make spread EXP=name)."""
