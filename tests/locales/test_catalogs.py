"""The Vietnamese and English catalogs: same keys, every template renders with its sample params."""

from __future__ import annotations

import pytest
from jinja2 import meta

from bot.settings import DEFAULT_FIELDS, DEFAULT_TARGET_GROUPS
from locales import LOCALES, _environment, catalog, render, samples, translate_label

# Names a template may use without a sample: the globals set in locales._environment, and `loop`.
_PROVIDED = {"t", "show", "range", "loop"}
_PARSERS = {locale: _environment(locale) for locale in LOCALES}  # with the real filters


def _messages(locale: str) -> set[str]:
    return {key for key in catalog(locale) if not key.startswith("labels.")}


ALL_KEYS = sorted(_messages("vi") | _messages("en"))


def test_vi_and_en_have_the_same_keys():
    vi, en = _messages("vi"), _messages("en")
    assert sorted(vi - en) == [], "missing in en.toml"
    assert sorted(en - vi) == [], "missing in vi.toml"


def test_every_sample_names_a_catalog_key():
    assert sorted(set(samples()) - set(catalog("vi"))) == []


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("key", ALL_KEYS)
def test_every_key_renders_with_its_samples(key: str, locale: str):
    source = catalog(locale)[key]
    used = meta.find_undeclared_variables(_PARSERS[locale].parse(source)) - _PROVIDED
    params = samples().get(key, {})
    assert sorted(used - set(params)) == [], f"locales/samples.toml lacks params for {key!r}"
    text = render(key, params, locale)
    assert text.strip()
    assert "{{" not in text and "{%" not in text


@pytest.mark.parametrize("label", sorted(set(DEFAULT_FIELDS) | set(DEFAULT_TARGET_GROUPS)))
def test_every_default_label_has_an_english_translation(label: str):
    assert translate_label(label, "vi") == label
    english = translate_label(label, "en")
    assert english and english != label


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("vi", "20.000.000 đ"), ("en", "20,000,000 VND")],
)
def test_money_is_formatted_per_language(locale: str, expected: str):
    assert expected in render("value.confirm", {"amount": 20000000}, locale)


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("vi", "Gõ số 1, 2 hoặc 3 để chọn."), ("en", "Type 1, 2 or 3 to choose.")],
)
def test_number_hint_lists_the_choices(locale: str, expected: str):
    assert render("hint.numbers", {"count": 3}, locale) == expected


def test_a_share_of_a_target_is_the_same_number_in_the_chat_and_the_spreadsheet():
    """Defect: the report rounded 12.5% to "12%" (Python rounds half to even) where the export said 12.5, and one
    initiative of 200 showed as 0%. One rounding, half up to one decimal, for every screen."""
    from documents.spreadsheets import Column, csv_bytes

    given = samples()["report.progress"]
    given = {**given, "unit": {**given["unit"], "submitted": 49, "target": 400, "percent": 12.25}}
    assert "Đã gửi 49/400 sáng kiến (12,3% chỉ tiêu)" in render("report.progress", given, "vi")
    assert "(12.3% of target)" in render("report.progress", given, "en")
    exported = csv_bytes([Column("percent", "percent")], [[12.25], [0.5]]).decode("utf-8-sig").splitlines()
    assert exported[1:] == ["12.3", "0.5"]
