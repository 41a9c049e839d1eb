"""The command line: `python -m projects.engine INPUT.json` (issue 2)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from projects.engine import INPUTS

from .checks import ROOT, check_result

SMALL = {"trials": 1000, "seed": 12, "budget_usd": 250000}


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    return subprocess.run(
        [sys.executable, "-m", "projects.engine", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def input_file(tmp_path):
    file = tmp_path / "project.json"
    file.write_text(json.dumps(SMALL), encoding="utf-8")
    return file


def test_a_file_prints_the_result_as_json(input_file):
    done = run(str(input_file))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    check_result(result)
    assert result["seed"] == 12 and result["inputs"]["budget_usd"] == 250000


def test_dash_reads_standard_input():
    done = run("-", "--no-levers", stdin=json.dumps(SMALL))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    check_result(result, levers=False)
    assert result["levers"] == []


def test_bad_input_exits_2_naming_every_bad_key(tmp_path):
    file = tmp_path / "bad.json"
    # NaN, Infinity and a 400-digit integer are what Python's json module reads from such files.
    file.write_text(
        '{"budget_usd": -5, "latency": "instant", "colour": "red", '
        '"target_value": NaN, "deadline_weeks": Infinity, "gpu_hourly_usd": 1' + "0" * 400 + "}"
    )
    done = run(str(file))
    assert done.returncode == 2
    assert done.stdout == ""
    bad = ("budget_usd", "latency", "colour", "target_value", "deadline_weeks", "gpu_hourly_usd")
    for key in bad:
        assert key in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_invalid_json_exits_2():
    done = run("-", stdin='{"budget_usd": 1000,')
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "JSON" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.strip()


def test_a_missing_file_exits_2(tmp_path):
    done = run(str(tmp_path / "nowhere.json"))
    assert done.returncode == 2
    assert "nowhere.json" in done.stderr
    assert "Traceback" not in done.stderr


def test_summary_prints_sentences(input_file):
    done = run(str(input_file), "--summary", "--no-levers")
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    assert lines[0].startswith("Bottom line")
    assert len(lines) >= 4
    assert not done.stdout.lstrip().startswith("{")


def test_inputs_lists_every_key():
    done = run("--inputs")
    assert done.returncode == 0, done.stderr
    listed = {
        line.split(":")[0].split(" [")[0]
        for line in done.stdout.splitlines()
        if line and not line.startswith(" ")
    }
    assert {spec.key for spec in INPUTS} <= listed


@pytest.mark.parametrize(
    "text",
    ['{"deadline_weeks": ' + "1" * 5000 + "}", "[" * 3000 + "]" * 3000],
    ids=["5000-digit integer", "3000 nested arrays"],
)
def test_hostile_json_exits_2_with_a_message(text):
    done = run("-", stdin=text)
    assert done.returncode == 2, (done.stdout, done.stderr[-500:])
    assert "JSON" in done.stderr or "deeply" in done.stderr
    assert "Traceback" not in done.stderr
