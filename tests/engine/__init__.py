"""Engine tests: pure Python and numpy, no Django, no database."""
