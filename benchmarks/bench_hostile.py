"""Times what the security review's hostile values cost (issue 10): each number field's parser on
exponent bombs and other hostile text, and the check-in API's body reader on hostile JSON;
prints figures and asserts nothing.

    DEBUG=1 python benchmarks/bench_hostile.py [--repeat 200]

Before the fix, "1e1000000" in an integer field took about 30 s of CPU.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NUMBERS = ["1e1000000", "1E+999999", "-1e9999999", "9" * 5000, "sNaN", "1e-99999", "x" * 10**6]
BODIES = {
    "5,000-digit integer": b'{"weeks_elapsed": ' + b"9" * 5000 + b', "spent_usd": 1}',
    "2,000 nested arrays": b'{"note": ' + b"[" * 2000 + b"]" * 2000 + b"}",
    "lone surrogate in note": b'{"weeks_elapsed": 1, "spent_usd": 1, "note": "\\ud800"}',
    "1e1000000": b'{"weeks_elapsed": 1e1000000, "spent_usd": 1}',
}


def micros(call, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        started = time.process_time()
        call()
        times.append((time.process_time() - started) * 1e6)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "riskboard.settings")
    import django

    django.setup()
    from projects import api
    from projects.engine.inputs import INPUTS, PROGRESS
    from projects.forms import NumberRefused, parse_number

    specs = [spec for spec in (*INPUTS, *PROGRESS) if spec.kind in ("number", "integer")]

    def every_field(text: str):
        def run():
            for spec in specs:
                with contextlib.suppress(NumberRefused):
                    parse_number(spec, text)

        return run

    print(f"parse_number over all {len(specs)} number fields (µs of CPU, median / max):")
    for text in NUMBERS:
        median, worst = micros(every_field(text), args.repeat)
        shown = text if len(text) <= 20 else f"{text[:8]}… ({len(text):,} characters)"
        print(f"  {shown:<32} {median / len(specs):8.1f} / {worst / len(specs):8.1f} a field")
    print("\nThe check-in API's body reader (µs of CPU, median / max):")
    for name, body in BODIES.items():
        median, worst = micros(lambda body=body: api.parse_body(body), args.repeat)
        print(f"  {name:<32} {median:8.1f} / {worst:8.1f}")


if __name__ == "__main__":
    main()
