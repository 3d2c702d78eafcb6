"""Translations of the pages: gettext catalogs through Babel, Polish first, English available.

Source strings are Polish (the interface's first language). `ses/web/locale/<lang>/LC_MESSAGES/
messages.po` holds each catalog: the Polish one gives the plural forms right ("1 podmiot,
2 podmioty, 5 podmiotów", three forms), the English one the translations. The catalogs are read
from their `.po` files at start-up (compiled in memory by Babel), so there is no build step.

The language of a request comes from `?lang=pl|en` (which also sets the `ses_lang` cookie) or the
cookie, else Polish; `LanguageMiddleware` puts it in a context variable that `gettext`, `ngettext`
and the Jinja filters read. Adding strings: see the README, "Translations".
"""

from __future__ import annotations

import gettext as _gettext
import io
from collections.abc import Mapping
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from functools import cache, lru_cache
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from jinja2 import pass_eval_context
from markupsafe import Markup

from ses.settings import get_settings

LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = {"pl": "polski", "en": "English"}
PUBLIC_LANGUAGES = {**LANGUAGES, "uk": "українська"}
"""The public pages (the directory of social services) are also Ukrainian: their own texts, and the
page frame through the small `uk` catalog. Staff pages offer Polish and English."""
DEFAULT = "pl"
COOKIE = "ses_lang"
POLISH_TIME = ZoneInfo("Europe/Warsaw")

_current: ContextVar[str] = ContextVar("ses_language", default=DEFAULT)


@cache
def translations(language: str) -> _gettext.NullTranslations:
    path = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return _gettext.NullTranslations()
    with path.open("rb") as po:
        catalog = read_po(po, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return _gettext.GNUTranslations(compiled)


def current_language() -> str:
    return _current.get()


def set_language(language: str, among: Mapping[str, str] = LANGUAGES) -> Any:
    return _current.set(language if language in among else DEFAULT)


def gettext(message: str, **variables: Any) -> str:
    text = translations(_current.get()).gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, **variables: Any) -> str:
    text = translations(_current.get()).ngettext(singular, plural, n)
    return text % {"num": n, **variables}


_ = gettext


def N_(message: str) -> str:  # noqa: N802 (the gettext convention)
    """Marks a string for extraction whose translation happens later (nav labels, section titles)."""
    return message


def fmt_date(value: date | datetime | str | None, style: str = "medium") -> str:
    """A date as Polish (or English) readers write it: `6 gru 2026` / `06.12.2026` (style `short`)."""
    if value in (None, ""):
        return "—"
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=POLISH_TIME)
        return format_datetime(moment, "short", tzinfo=POLISH_TIME, locale=_current.get())
    return format_date(value, "short" if style == "short" else "medium", locale=_current.get())


def fmt_number(
    value: int | float | Decimal | str | None, digits: int | None = None, fixed: bool = False
) -> str:
    """A number with the reader's grouping and decimal sign: `12 345,5` in Polish, `12,345.5` in
    English; rounded to `digits` decimals, and with `fixed` always that many (`1 234,50` for money)."""
    if value in (None, ""):
        return "—"
    return _formatted(str(value), digits, str(_current.get()), fixed)


@lru_cache(maxsize=16_384)
def _formatted(text: str, digits: int | None, locale: str, fixed: bool = False) -> str:
    """Babel's formatting costs ~0.5 ms a number (it reads the pattern every call): a dashboard table
    of 314 gminas, three numbers a row, took 270 ms; the same numbers come back on every page."""
    number = Decimal(text)
    if digits is not None:
        number = round(number, digits)
        if fixed:
            pattern = "#,##0." + "0" * digits if digits else "#,##0"
            return format_decimal(number, format=pattern, locale=locale)
    return format_decimal(number, locale=locale)


def language_of(scope: Any) -> str:
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    asked = (query.get("lang") or [""])[0]
    if asked in LANGUAGES:
        return asked
    for name, value in scope.get("headers", ()):
        if name == b"cookie":
            cookie: SimpleCookie = SimpleCookie()
            try:
                cookie.load(value.decode("latin-1"))
            except Exception:  # a malformed cookie header: fall back to the default
                continue
            if COOKIE in cookie and cookie[COOKIE].value in LANGUAGES:
                return cookie[COOKIE].value
    return DEFAULT


class LanguageMiddleware:
    """Sets the request's language; `?lang=` also stores it in a cookie for the next pages."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        language = language_of(scope)
        token = set_language(language)
        asked = b"lang=" in scope.get("query_string", b"")

        async def send_with_cookie(message: Any) -> None:
            if asked and message["type"] == "http.response.start":
                cookie = f"{COOKIE}={language}; Path=/; Max-Age=31536000; SameSite=Lax".encode()
                message["headers"] = [*message.get("headers", []), (b"set-cookie", cookie)]
            await send(message)

        try:
            await self.app(scope, receive, send_with_cookie)
        finally:
            _current.reset(token)


@pass_eval_context
def _template_gettext(eval_ctx: Any, __string: str, **variables: Any) -> str:
    """Jinja's new-style `gettext` (the translation, escaped when autoescaping, always formatted
    with the variables), called directly: the extension's `_` goes through an alias and two
    `Context.call`s per string, a fifth of a register page's rendering (56 strings a page)."""
    text = translations(_current.get()).gettext(__string)
    if eval_ctx.autoescape:
        text = Markup(text)
    return text % variables


@pass_eval_context
def _template_ngettext(eval_ctx: Any, __singular: str, __plural: str, __num: int, **variables: Any) -> str:
    variables.setdefault("num", __num)
    text = translations(_current.get()).ngettext(__singular, __plural, __num)
    if eval_ctx.autoescape:
        text = Markup(text)
    return text % variables


def install_jinja(environment: Any) -> None:
    """`_()`, `gettext`, `ngettext` and the `date`/`number` filters in every template."""
    environment.add_extension("jinja2.ext.i18n")
    environment.install_gettext_callables(
        lambda message: translations(_current.get()).gettext(message),
        lambda singular, plural, n: translations(_current.get()).ngettext(singular, plural, n),
        newstyle=True,
    )
    # The same new-style semantics (see `_template_gettext`), without the extension's indirection.
    environment.globals.update(_=_template_gettext, gettext=_template_gettext, ngettext=_template_ngettext)
    environment.filters["date"] = fmt_date
    environment.filters["number"] = fmt_number
    environment.globals["current_language"] = current_language
    environment.globals["languages"] = LANGUAGES
    # Templates ship inside the installed package: checking every file's modification time on each
    # render (Jinja's default) was 2–3 % of a record page's CPU. `SES_DEBUG=1` checks again.
    environment.auto_reload = get_settings().debug


def locale() -> Locale:
    return Locale.parse(_current.get())
