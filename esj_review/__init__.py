"""esj-review: equity impact reviews scored against a rubric that is data."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("esj-review")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

REVIEW_FORMAT = "esj-review/1"
