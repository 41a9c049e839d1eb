"""Command line: `python -m projects.engine INPUT.json` prints the estimate as JSON.

`-` reads standard input. Bad input exits with code 2 and the messages on standard error.
"""

from __future__ import annotations

import argparse
import json
import sys

from . import INPUTS, InputError, estimate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m projects.engine",
        description="Estimate an AI project's cost, timeline and production accuracy.",
    )
    parser.add_argument("input", nargs="?", help="input JSON file, or - for standard input")
    parser.add_argument(
        "--no-levers",
        action="store_true",
        help="skip the levers (faster; the levers list comes back empty)",
    )
    parser.add_argument(
        "--summary", action="store_true", help="print the plain-language summary instead of JSON"
    )
    parser.add_argument(
        "--inputs",
        action="store_true",
        help="list every input with its default, range and help, then exit",
    )
    args = parser.parse_args(argv)
    if args.inputs:
        for spec in INPUTS:
            default = "null" if spec.default is None else json.dumps(spec.default)
            unit = f" [{spec.unit}]" if spec.unit else ""
            print(f"{spec.key}{unit}: {spec.range_text()}; default {default}\n    {spec.help}")
        return 0
    if not args.input:
        parser.print_usage(sys.stderr)
        print("error: give an input JSON file, or - to read standard input", file=sys.stderr)
        return 2
    try:
        if args.input == "-":
            text = sys.stdin.read()
        else:
            with open(args.input, encoding="utf-8") as handle:
                text = handle.read()
    except OSError as exc:
        print(f"error: cannot read {args.input}: {exc.strerror}", file=sys.stderr)
        return 2
    try:
        raw = json.loads(text)
    except RecursionError:
        print(f"error: {args.input} nests arrays or objects too deeply", file=sys.stderr)
        return 2
    except ValueError as exc:  # JSONDecodeError, and integers past Python's 4,300 digits
        print(f"error: {args.input} is not valid JSON: {exc}", file=sys.stderr)
        return 2
    try:
        result = estimate(raw, levers=not args.no_levers)
    except InputError as exc:
        print("error: invalid inputs", file=sys.stderr)
        for key, message in exc.errors.items():
            print(f"  {key}: {message}", file=sys.stderr)
        return 2
    if args.summary:
        print("\n".join(result["summary"]))
    else:
        json.dump(result, sys.stdout, indent=2, allow_nan=False)
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
