"""The only URL fetcher WeasyPrint gets: packaged report assets, nothing else.

WeasyPrint's default fetcher follows file:// and network URLs and redirects. This one refuses
every scheme but file://, refuses any file outside the asset folder (after resolving links and
`..`), never redirects, and records what was refused so the render can fail loudly.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

ASSETS = Path(__file__).parent / "assets"
"""The only folder a report may load anything from (the stylesheet)."""


def make_fetcher(assets: Path) -> Any:
    """A WeasyPrint URLFetcher limited to files inside `assets`."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    root = assets.resolve()

    class AssetFetcher(URLFetcher):  # type: ignore[misc]
        refused: list[str]

        def __init__(self) -> None:
            super().__init__(allowed_protocols={"file"}, allow_redirects=False, timeout=1)
            self.refused = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            parts = urlsplit(url)
            if parts.scheme != "file" or parts.netloc not in {"", "localhost"}:
                self.refused.append(url)
                raise ValueError(f"refused to fetch {url[:200]!r}: only packaged report assets")
            path = Path(unquote(parts.path)).resolve()
            if not path.is_relative_to(root) or not path.is_file():
                self.refused.append(url)
                raise ValueError(f"refused to read {url[:200]!r}: not a packaged report asset")
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                path.as_uri(), path.read_bytes(), headers={"Content-Type": kind}
            )

    return AssetFetcher()
