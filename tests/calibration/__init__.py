"""Calibration tests: pure Python, numpy and scipy, no Django, no database."""
