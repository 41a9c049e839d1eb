"""The path converter for database ids in URLs, registered as <id:…> on import."""

from django.urls import register_converter

# The largest id any of the app's tables can hold (a 64-bit signed integer).
MAX_ID = 2**63 - 1


class IdConverter:
    """A positive whole number that fits an id column. Longer numbers do not match, so the URL
    answers 404 instead of reaching the database (SQLite cannot even compare them)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError(f"{value} is larger than any id")
        return number

    def to_url(self, value: int) -> str:
        return str(value)


def parse_id(text: str) -> int | None:
    """An id typed in a query string (?team=12), or None when it cannot be one."""
    text = text.strip()
    if not text.isascii() or not text.isdigit() or len(text) > 19 or int(text) > MAX_ID:
        return None
    return int(text)


register_converter(IdConverter, "id")
