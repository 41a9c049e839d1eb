"""Plotly figures of engine results, one function per chart, each a plain dict (base.figure):
base.py has what every chart shares, outcomes.py and report.py the report's charts (and the
what-if's), history.py the history page's."""
