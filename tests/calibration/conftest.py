"""Calibration tests need only the repository root on the import path: no Django, no database.

Run them alone with `python -m pytest tests/calibration --confcutdir=tests/calibration`.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
