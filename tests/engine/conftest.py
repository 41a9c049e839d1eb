"""Engine tests need only the repository root on the import path: no Django, no database.

Run them alone with `python -m pytest tests/engine --confcutdir=tests/engine` to prove that
nothing above this folder (such as a Django set-up in tests/conftest.py) is needed.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
