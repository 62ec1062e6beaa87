"""Every user-visible string, per language, rendered with Jinja2.

Catalogs are TOML files beside this module (`vi.toml` first, `en.toml` second), each
language optionally split by area (`vi.export.toml` beside `vi.toml`); a key is a dotted
name such as `submit.title.prompt`, and one key lives in one file only. Templates see their params plus `t(key)`
(another string of the same language) and `show(key, answers)` (an answer as text).
Output is plain text: a channel that renders markup escapes it as a whole.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from jinja2 import Environment, StrictUndefined

from conversations.flows import SPOKEN
from conversations.telling import machine_made
from conversations.text import fold
from locales import format as fmt

LOCALES = ("vi", "en")
DEFAULT_LOCALE = "vi"
_HERE = Path(__file__).parent


def _flatten(tree: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = str(value)
    return flat


def _load(stem: str) -> dict[str, Any]:
    """`stem.toml` and every `stem.<area>.toml`, merged; a key defined twice is a mistake."""
    merged: dict[str, Any] = {}
    for path in [_HERE / f"{stem}.toml", *sorted(_HERE.glob(f"{stem}.*.toml"))]:
        with open(path, "rb") as handle:
            part = _flatten(tomllib.load(handle)) if stem in LOCALES else tomllib.load(handle)
        twice = sorted(set(part) & set(merged))
        if twice:
            raise ValueError(f"{path.name} repeats {twice[:3]}")
        merged.update(part)
    return merged


@lru_cache(maxsize=None)
def catalog(locale: str) -> dict[str, str]:
    return _load(locale)


@lru_cache(maxsize=None)
def samples() -> dict[str, dict]:
    """Sample params per key (used by the tests to prove every template renders)."""
    return {key: dict(value) for key, value in _load("samples").items()}


def _environment(locale: str) -> Environment:
    env = Environment(autoescape=False, undefined=StrictUndefined)
    env.filters["vnd"] = lambda amount: fmt.vnd(amount, locale)
    env.filters["number"] = lambda value: fmt.number(value, locale)
    env.filters["applied"] = lambda value: fmt.applied(value, locale)
    env.filters["bar"] = fmt.bar
    env.filters["percent"] = lambda value: fmt.percent(value, locale)
    env.globals["t"] = lambda key, **params: render(key, params, locale)
    env.globals["show"] = lambda key, answers: show(key, answers, locale)
    return env


_ENVIRONMENTS: dict[str, Environment] = {}


@lru_cache(maxsize=2048)
def _template(locale: str, key: str):
    env = _ENVIRONMENTS.setdefault(locale, _environment(locale))
    source = catalog(locale).get(key)
    if source is None:
        raise KeyError(f"no string {key!r} in locale {locale!r}")
    return env.from_string(source)


def render(key: str, params: Mapping[str, Any] | None = None, locale: str = DEFAULT_LOCALE) -> str:
    locale = locale if locale in LOCALES else DEFAULT_LOCALE
    return _template(locale, key).render(**dict(params or {})).strip()


def has(key: str, locale: str = DEFAULT_LOCALE) -> bool:
    return key in catalog(locale)


@lru_cache(maxsize=None)
def button_labels() -> frozenset[str]:
    """Every button label the bot shows that takes no params, in each language, accents and case aside."""
    return frozenset(fold(text) for locale in LOCALES for key, text in catalog(locale).items()
                     if key.startswith("choice.") and "{" not in text)


def translate_label(text: str, locale: str) -> str:
    """A configured Vietnamese label (a field, a target group) in another language, if known."""
    if locale == DEFAULT_LOCALE:
        return text
    return catalog(locale).get(f"labels.{fold(text).replace(' ', '_')}", text)


def show(key: str, answers: Mapping[str, Any], locale: str) -> str:
    """One answer of an initiative as the review and the detail view print it."""
    value = answers.get(key)
    media = [a for a in answers.get("attachments", []) if a.get("field") == key]
    if key == "estimated_value" and value is not None:
        text = fmt.vnd(value, locale)
    elif key == "first_applied" and value:
        text = fmt.applied(value, locale)
    elif key == "coauthors" and value is not None:
        text = ", ".join(value) or render("answer.nobody", {}, locale)  # [] is "nobody else", said so
    elif key == "field" and value:
        text = translate_label(value, locale)
    elif key == "attachments":
        text = ""
    else:
        text = str(value) if value else ""
    if media:
        counted = render("media.count", {"count": len(media)}, locale)
        if isinstance(value, str) and machine_made(value, media, key):
            text = f"{text} {render('media.by_machine', {}, locale)}"  # the machine's words, confirmed
        if not text and key != "attachments" and any(a.get("kind") in SPOKEN for a in media):
            text = render("media.spoken", {}, locale)  # answered by voice: the officer hears it
        text = f"{text} ({counted})" if text else counted
    return text or render("answer.none", {}, locale)
