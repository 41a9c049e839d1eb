"""The calibration package is pure: importing it loads no Django (the web layer calls it)."""

import re
import subprocess
import sys

from .conftest import ROOT


def test_importing_the_package_loads_no_django():
    code = (
        "import sys; import projects.calibration, projects.calibration.study; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert output.strip() == "[]"


def test_no_module_of_the_package_imports_django():
    importing = re.compile(r"^\s*(from|import)\s+django", re.MULTILINE)
    for path in (ROOT / "projects" / "calibration").glob("*.py"):
        assert not importing.search(path.read_text()), path.name
