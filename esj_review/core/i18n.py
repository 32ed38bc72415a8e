"""The language the tool writes in: gettext catalogues (Babel) for every fixed text, and
locale-aware numbers, money and dates. (Interface first; the catalogues come next.)"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

DEFAULT = "en"
_current: ContextVar[str] = ContextVar("esj_review_language", default=DEFAULT)


def current_language() -> str:
    """The language being written now (`en` unless `use_language` says otherwise)."""
    return _current.get()


@contextmanager
def use_language(lang: str) -> Iterator[None]:
    """Write in `lang` inside the block."""
    token = _current.set(lang)
    try:
        yield
    finally:
        _current.reset(token)


def _(message: str) -> str:
    """`message` in the current language (English when the catalogue lacks it)."""
    return message
