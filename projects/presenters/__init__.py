"""What each page shows, worded and rounded in Python where it is tested without a browser:
report.py (the report of an estimate), portfolio.py, project.py (the project page around the
report: revisions, check-ins, share links), history.py (how the estimates moved, what changed
and why) and teams.py. Numbers and dates come from projects/formatting.py, the names of the
chances from projects/vocabulary.py."""
