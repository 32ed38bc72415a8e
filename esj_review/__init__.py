"""esj-review: equity impact reviews scored against a rubric that is data."""

# The one place the version is written; pyproject.toml reads it from here (importing
# importlib.metadata instead would cost `esj-review --help` a quarter of its start-up).
__version__ = "0.1.0"

REVIEW_FORMAT = "esj-review/1"
