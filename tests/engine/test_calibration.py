"""The model stays within the published figures it is calibrated against (docs/model.md)."""

import pytest

from projects.engine import validation

COMPARISONS = validation.comparisons()


@pytest.mark.parametrize("row", COMPARISONS, ids=[row.topic for row in COMPARISONS])
def test_it_stays_within_the_published_range(row):
    assert row.low <= row.value <= row.high, f"{row.topic}: engine {row.engine}"


def test_every_validation_input_is_used():
    used = {name.strip() for row in COMPARISONS for name in row.input_file.split(",")}
    on_disk = {path.name for path in validation.INPUT_FOLDER.glob("*.json")}
    assert on_disk == used
