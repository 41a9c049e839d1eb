"""A staticfiles finder that serves plotly.js from the installed plotly package.

The plotly Python package ships the browser library (`plotly/package_data/plotly.min.js`), so
the app needs no CDN and no copy in the repository: this finder exposes that file as
`vendor/plotly.min.js`. `collectstatic` then copies it like any other static file, and
whitenoise serves it compressed with a far-future cache header under its hashed name.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PLOTLY_NAME = "vendor/plotly.min.js"


def plotly_js_path() -> Path:
    import plotly

    return Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"


class PlotlyFinder(BaseFinder):
    """Finds `vendor/plotly.min.js` in the plotly package and nothing else."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.source = plotly_js_path()
        self.storage = FileSystemStorage(location=str(self.source.parent))
        self.storage.prefix = "vendor"

    def check(self, **kwargs):
        from django.core.checks import Error

        if not self.source.is_file():
            return [
                Error(
                    f"plotly.js was not found at {self.source}.",
                    hint="Install the plotly package from requirements.txt.",
                    id="projects.E001",
                )
            ]
        return []

    def find(self, path: str, find_all: bool = False, **kwargs):
        if path == PLOTLY_NAME and self.source.is_file():
            return [str(self.source)] if find_all else str(self.source)
        return [] if find_all else None

    def list(self, ignore_patterns):
        if self.source.is_file():
            yield self.source.name, self.storage
