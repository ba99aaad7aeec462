"""The text catalogue: every key in both languages with the same placeholders, every key the
code names exists, and no zh/en wording is left in the code outside the catalogue."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from edustat import texts
from edustat.results import Phrase
from edustat.texts import LANGS, UnknownText, catalogue, t

PACKAGE = Path(__file__).resolve().parent.parent / "edustat"


def _placeholders(text: str) -> set[str]:
    """The {names} of a text; a name ending _zh or _en stands for its language's form."""
    names = {name for _, name, _, _ in string.Formatter().parse(text) if name}
    return {re.sub(r"_(zh|en)$", "_*", name) for name in names}


def test_every_key_has_zh_and_en_with_the_same_placeholders() -> None:
    texts = catalogue()
    assert len(texts) > 300
    for key, pair in texts.items():
        assert set(pair) == set(LANGS), key
        assert all(pair[lang].strip() or key.endswith("separator") for lang in LANGS), key
        assert _placeholders(pair["zh"]) == _placeholders(pair["en"]), key


def _literal_keys() -> set[str]:
    """Every key the code names literally: t("…"), Phrase(code="…"), _phrase("…"),
    help_text("…") and usage keys."""
    found: set[str] = set()
    patterns = [r'\bt\(\s*"([a-z_]+(?:\.[a-z_0-9]+)+)"', r'code="([a-z_]+(?:\.[a-z_0-9]+)+)"',
                r'_phrase\(\s*"([a-z_]+(?:\.[a-z_0-9]+)+)"']
    for path in PACKAGE.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        for pattern in patterns:
            found.update(re.findall(pattern, source))
        found.update(f"help.{key}" for key in re.findall(r'help_text\(\s*"(\w+)"', source))
        found.update(f"help.{key}" for key in re.findall(r'help_key="(\w+)"', source))
    return found


def test_every_key_the_code_names_exists() -> None:
    keys = _literal_keys()
    assert len(keys) > 150  # the grep finds the code's keys, not nothing
    missing = sorted(key for key in keys if key not in catalogue())
    assert missing == []


def test_an_unknown_key_is_an_error_not_a_blank() -> None:
    with pytest.raises(UnknownText):
        t("label.no_such_key")


def test_no_language_branches_or_pair_tables_left_in_the_code() -> None:
    # Wording is chosen by the catalogue: no `lang == "zh"` branch, no ("中文", "English") pair.
    pair = re.compile(r'\(\s*"[^"\n]*[\u4e00-\u9fff][^"\n]*",\s*"[A-Za-z][^"\n]*"\s*\)')
    for path in PACKAGE.rglob("*.py"):
        if path.name in ("validate.py", "reader.py", "schema.py", "norms.py", "units.py"):
            continue  # reading and validation are being rewritten separately
        source = path.read_text(encoding="utf-8")
        assert 'lang == "zh"' not in source and "lang == 'zh'" not in source, path
        assert not pair.search(source), (path, pair.search(source))


def test_a_phrase_is_worded_in_the_language_asked_and_serialized_so() -> None:
    # A phrase inside a phrase (the stage in a figure's name) is worded in the same language.
    name = Phrase(code="figure.composite", params={
        "stage": Phrase(code="stage_title.primary"), "method": Phrase(code="method.basic")})
    assert name.word("zh") == "小学综合差异系数（基本均衡）"
    assert name.word("en") == "Primary composite CV (basic)"
    assert Phrase.__pydantic_serializer__.to_json(name, context={"lang": "en"}) == (
        b'"Primary composite CV (basic)"')


def test_compiled_catalogue_is_the_toml_files_parsed() -> None:
    # compiled.json is what tools/compile_catalogue.py writes for the TOML files as they are:
    # after editing a TOML file, run it (edustat would still be right, only slower).
    assert texts.COMPILED.read_bytes() == texts.compiled_catalogue(), (
        "edustat/catalogue/compiled.json is stale: run python tools/compile_catalogue.py")
    assert catalogue() == texts.parse_catalogue(texts.catalogue_sources())


@pytest.mark.parametrize("content", [
    # made from other TOML files: its fingerprint is not theirs
    b'{"fingerprint": "v1-15-1-00000000", "texts": {"label.year": {"zh": "X", "en": "X"}}}',
    b"{not json",  # damaged
    None,  # missing
])
def test_a_stale_or_damaged_compiled_catalogue_is_not_used(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes | None) -> None:
    compiled = tmp_path / "compiled.json"
    if content is not None:
        compiled.write_bytes(content)
    monkeypatch.setattr(texts, "COMPILED", compiled)
    catalogue.cache_clear()
    try:
        assert catalogue() == texts.parse_catalogue(texts.catalogue_sources())
        assert t("label.year", "zh") != "X"
    finally:
        catalogue.cache_clear()
