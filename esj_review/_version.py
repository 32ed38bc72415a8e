"""The one place the version is written; pyproject.toml reads it from here.

Importing importlib.metadata instead would cost `esj-review --help` a quarter of its start-up.
"""

__version__ = "0.1.0"
