"""The language the tool writes in: gettext catalogues for every fixed text, and locale-aware
numbers, money and dates.

English is the message ids. Another language is one catalogue,
`esj_review/locale/<lang>/LC_MESSAGES/esj_review.po`, read with Babel when first needed and
compiled in memory (no `.mo` file, no build step); a message the catalogue lacks falls back to
English. Babel is imported only when a catalogue or a format is needed, so `esj-review --help`
does not pay for it. In English every format is the one the report always used, so English
output does not change.

Each catalogue says in its header comment whether a qualified translator has reviewed it
(`# Review-Status: ...`, `# Reviewed-By: ...`, `# Reviewed-On: ...`): `pybabel update` keeps
header comments but drops header fields it does not know, such as `X-Review-Status`.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import hashlib
import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

DEFAULT = "en"
DOMAIN = "esj_review"
INTERFACE = "interface"
"""The domain of the interview's and the command line's own texts (`ui`, `ui_ngettext`): a
catalogue of their own, `esj_review/locale/interface.pot`, so that a report language is
complete without them. No language has an interface catalogue yet, so the interview and the
messages stay English; a later translation is one `interface.po` beside `esj_review.po`."""
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
FORMAT_LOCALES = {"es": "es_US"}
"""The CLDR locale numbers, money and dates are written in, where it is not the language
itself. Spanish: the United States' Spanish (es_US), as Spanish-speaking residents of a US
county read amounts: "$1,200,000" and "72.5", the dollar sign before the amount and the
digits grouped as on every bill and pay stub (and as in Mexico and Central America), not
Spain's "1.200.000,00 US$" (where "1.200" reads as one point two); dates in words,
"30 de junio de 2027"."""
NOT_REVIEWED = "not reviewed by a qualified translator"
_REVIEW_KEYS = ("Review-Status", "Reviewed-By", "Reviewed-On")

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


def catalogue_path(lang: str, domain: str = DOMAIN) -> Path:
    """Where the catalogue of `lang` (a BCP 47 tag: `es`, `zh-Hant`) lives, in gettext's
    folder naming (`zh_Hant`); it may not exist."""
    return LOCALE_DIR / lang.replace("-", "_") / "LC_MESSAGES" / f"{domain}.po"


def available_languages() -> list[str]:
    """English and every language with a catalogue, English first, as BCP 47 tags (the
    folder `zh_Hant` is `zh-Hant`, as in `<html lang>` and the rubric translation files)."""
    found = sorted(
        p.parent.parent.name.replace("_", "-")
        for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")
    )
    return [DEFAULT, *(lang for lang in found if lang != DEFAULT)]


@functools.cache
def catalogue_digest(lang: str) -> str:
    """sha256 of the catalogue file of `lang` ("" when there is none): what a cache of
    reports in that language depends on besides the tool's version."""
    try:
        return hashlib.sha256(catalogue_path(lang).read_bytes()).hexdigest()
    except OSError:
        return ""


def _read(lang: str, domain: str = DOMAIN) -> object:
    """The catalogue of `lang` as Babel reads it."""
    from babel.messages.pofile import read_po

    with catalogue_path(lang, domain).open("rb") as f:
        return read_po(f, locale=lang.replace("-", "_"), domain=domain)


@functools.cache
def translations(lang: str, domain: str = DOMAIN) -> gettext.NullTranslations:
    """The compiled catalogue of `lang` (nothing translated for English or a missing one)."""
    if lang == DEFAULT or not catalogue_path(lang, domain).is_file():
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo

    buffer = io.BytesIO()
    write_mo(buffer, _read(lang, domain))  # type: ignore[arg-type]
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def review_header(lang: str) -> dict[str, str]:
    """The review lines of the catalogue's header comment: `Review-Status`, `Reviewed-By`,
    `Reviewed-On` (empty values left out)."""
    if lang == DEFAULT or not catalogue_path(lang).is_file():
        return {}
    found: dict[str, str] = {}
    for line in str(getattr(_read(lang), "header_comment", "")).splitlines():
        key, colon, value = line.lstrip("#").strip().partition(":")
        if colon and key in _REVIEW_KEYS and value.strip():
            found[key] = value.strip()
    return found


def catalogue_status(lang: str) -> str:
    """Whether a qualified translator has reviewed the catalogue of `lang`: its header's
    `Review-Status` (and, when reviewed, by whom and when); "" for English, the original."""
    if lang == DEFAULT:
        return ""
    header = review_header(lang)
    status = header.get("Review-Status", NOT_REVIEWED)
    if not status.lower().startswith("reviewed"):
        return status
    details = [header[k] for k in ("Reviewed-By", "Reviewed-On") if k in header]
    return f"{status} ({', '.join(details)})" if details else status


def is_reviewed(lang: str) -> bool:
    """True only when the catalogue's header says a person reviewed it."""
    return lang == DEFAULT or review_header(lang).get("Review-Status", "").lower().startswith(
        "reviewed"
    )


def _(message: str) -> str:
    """`message` in the current language (English when the catalogue lacks it)."""
    lang = _current.get()
    if lang == DEFAULT:
        return message
    return translations(lang).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of `singular`/`plural` for `n`, in the current language."""
    lang = _current.get()
    if lang == DEFAULT:
        return singular if n == 1 else plural
    return translations(lang).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """`message` in the current language, told apart from the same English by `context`."""
    lang = _current.get()
    if lang == DEFAULT:
        return message
    return translations(lang).pgettext(context, message)


# Punctuation the report puts between pieces it assembles (a label and its answer, the items
# of a list, the end of a sentence built from parts): each a message of its own, so Chinese
# writes "：", "；", "，" and "。" where English writes ": ", "; ", ", " and ".".


def full_stop() -> str:
    """The mark that ends a sentence: "." ("。" in Chinese)."""
    return pgettext("punctuation", ".")


def list_separator() -> str:
    """Between the items of a list whose items may hold commas: "; " ("；" in Chinese)."""
    return pgettext("punctuation", "; ")


def comma() -> str:
    """Between short parts of one phrase: ", " ("，" in Chinese)."""
    return pgettext("punctuation", ", ")


def colon() -> str:
    """Between a label and what follows it: ": " ("：" in Chinese)."""
    return pgettext("punctuation", ": ")


def noted(text: str, note: str) -> str:
    """`text` with a note in brackets: "Housing (large)" ("住房（大）" in Chinese)."""
    return pgettext("punctuation", "%(text)s (%(note)s)") % {"text": text, "note": note}


def ends_sentence(text: str) -> bool:
    """Whether `text` already ends with a sentence's closing mark, in any script."""
    return text.rstrip().endswith((".", "!", "?", "…", "。", "！", "？", "።", "؟"))


def ui(message: str) -> str:
    """`message`, a text of the interview or the command line, in the current language: the
    `interface` domain (English while no language has that catalogue). Modules of those
    layers import it as `_`, and `babel-interface.cfg` extracts them."""
    lang = _current.get()
    if lang == DEFAULT:
        return message
    return translations(lang, INTERFACE).gettext(message)


def ui_ngettext(singular: str, plural: str, n: int) -> str:
    """`ngettext` for the interview's and the command line's texts (the `interface` domain)."""
    lang = _current.get()
    if lang == DEFAULT:
        return singular if n == 1 else plural
    return translations(lang, INTERFACE).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks `message` for the catalogue without translating it now (a constant translated
    where it is shown)."""
    return message


# --- formats ----------------------------------------------------------------------------


def format_locale(lang: str | None = None) -> str:
    """The CLDR locale numbers and dates are written in for `lang` (the current language)."""
    lang = lang or _current.get()
    return FORMAT_LOCALES.get(lang, lang.replace("-", "_"))


NUMBER_LOCALES = {lang: "en_US" for lang in ("vi", "zh-Hant", "ko", "ru", "so")}
"""Where numbers and money follow another locale than dates do. Readers of these languages in a
US county read amounts as on a US bill ("$4,200,000", "88.9"): Vietnam's own "4.200.000
US$" and "88,9", or Russian's "4 200 000,00 $", would misread, and CLDR has no US variant of
these languages; their dates stay in their own words ("30 tháng 6, 2027", "2027年6月30日")."""


def number_locale(lang: str | None = None) -> str:
    """The CLDR locale numbers, percentages and money are written in for `lang`."""
    lang = lang or _current.get()
    return NUMBER_LOCALES.get(lang) or format_locale(lang)


def number(value: float) -> str:
    """A number as the report prints it ("72.5"; in English exactly `%g`)."""
    lang = _current.get()
    if lang == DEFAULT:
        return f"{value:g}"
    from decimal import Decimal

    from babel.numbers import format_decimal

    return format_decimal(Decimal(f"{value:g}"), locale=number_locale(lang))


def signed(value: float) -> str:
    """A number with its sign ("+2", "-1.5"), as `%+g` in English."""
    lang = _current.get()
    if lang == DEFAULT:
        return f"{value:+g}"
    return ("-" if value < 0 else "+") + number(abs(value))


def fixed(value: float, digits: int) -> str:
    """A number with `digits` decimals ("12.5"), as `%.1f` in English."""
    lang = _current.get()
    if lang == DEFAULT:
        return f"{value:.{digits}f}"
    from babel.numbers import format_decimal

    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return format_decimal(round(value, digits), format=pattern, locale=number_locale(lang))


def percent(value: float) -> str:
    """A percentage given out of 100 ("72.5%")."""
    lang = _current.get()
    if lang == DEFAULT:
        return f"{value:g}%"
    from decimal import Decimal

    from babel.numbers import format_percent

    share = Decimal(f"{value:g}") / 100  # exact: 93.3 stays 93.3, not 93.29999…
    return format_percent(share, locale=number_locale(lang), decimal_quantization=False)


def money(amount: float) -> str:
    """US dollars as a reader of the language writes them ("$4,200,000", "-$1,300,000")."""
    lang = _current.get()
    if lang == DEFAULT:
        whole = f"{abs(amount):,.0f}" if float(amount).is_integer() else f"{abs(amount):,}"
        return ("-$" if amount < 0 else "$") + whole
    from babel.numbers import format_currency

    digits = float(amount).is_integer()
    return format_currency(
        amount,
        "USD",
        format="¤#,##0" if digits else None,
        locale=number_locale(lang),
        currency_digits=not digits,
    )


def long_date(value: dt.date) -> str:
    """A date in words ("30 de junio de 2027"); in English the ISO date, as always."""
    lang = _current.get()
    if lang == DEFAULT:
        return value.isoformat()
    from babel.dates import format_date

    return format_date(value, format="long", locale=format_locale(lang))


def join_and(items: Sequence[str]) -> str:
    """ "a, b and c" in the current language."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return _("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}
