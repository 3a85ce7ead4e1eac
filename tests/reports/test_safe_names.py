"""`safe_filename` on hostile Hub strings: never leaves the directory, deterministic, injective."""

import re
from pathlib import Path

import pytest

from orchestration.defs.reports.safe_names import MAX_SAFE_NAME_LENGTH, safe_filename

READABLE_TAGS = [
    "text-generation",
    "image-text-to-text",
    "text2text-generation",
    "automatic-speech-recognition",
    "zero-shot-image-classification",
    "a",
    "v1.5",
]

HOSTILE = [
    "",
    ".",
    "..",
    "...",
    "../../etc",
    "../../etc/passwd",
    "/etc/passwd",
    "/",
    "//",
    "\\",
    "..\\..\\windows\\system32",
    "C:\\Windows",
    "a/b",
    "a\\b",
    "a_b",
    "a\x00b",
    "\x00",
    "tab\there",
    "new\nline",
    "bell\x07",
    "\x1b[31mred",
    "\x7f",
    ".hidden",
    "trailing.",
    "-rf",
    "--help",
    "~",
    "~root",
    "$HOME",
    "$(reboot)",
    "`id`",
    "a b",
    " ",
    "*",
    "?",
    'quote"s',
    "semi;colon",
    "pipe|",
    "<tag>",
    "con",
    "CON",
    "nul",
    "aux.txt",
    "com1",
    "lpt9",
    "Text-Generation",
    "TEXT-GENERATION",
    "text-generation ",
    "text-generation.",
    "modèle",
    "modele",
    "日本語",
    "中文",
    "emoji-🤗",
    "🤗",
    "\u202etxt.exe",  # right-to-left override
    "\ud800",  # lone surrogate, possible after JSON decoding
    "x" * 100,
    "x" * 101,
    "x" * 300,
    "x" * 299 + "y",
    "a" * 300 + "/../..",
    "../" * 100,
    "+",
    "a+b",
    "text-generation+0123456789ab",
]

SAFE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._+-]*")


@pytest.mark.parametrize("tag", READABLE_TAGS)
def test_normal_tags_stay_readable(tag):
    assert safe_filename(tag) == tag


@pytest.mark.parametrize("text", HOSTILE + READABLE_TAGS)
def test_name_is_a_plain_file_name_inside_the_directory(text, tmp_path):
    name = safe_filename(text)
    assert SAFE_NAME.fullmatch(name), name
    assert name not in {".", ".."}
    assert not name.endswith(".")
    assert 0 < len(name) <= MAX_SAFE_NAME_LENGTH
    assert (tmp_path / name).resolve().parent == tmp_path.resolve()
    assert Path(name).name == name


@pytest.mark.parametrize("text", HOSTILE)
def test_name_is_deterministic(text):
    assert safe_filename(text) == safe_filename(text)


def test_different_texts_give_different_names_even_ignoring_case():
    # Case-insensitive file systems (macOS, Windows) would merge names differing only by case.
    texts = set(HOSTILE + READABLE_TAGS)
    names = {safe_filename(text).lower() for text in texts}
    assert len(names) == len(texts)


@pytest.mark.parametrize(
    ("text", "readable_part"),
    [
        ("../../etc", "etc+"),
        ("meta-llama/Llama-3.1-8B", "meta-llama_Llama-3.1-8B+"),
        ("modèle", "modele+"),
        ("Text-Generation", "Text-Generation+"),
        ("", "_+"),
    ],
)
def test_altered_names_keep_a_readable_part_and_a_hash(text, readable_part):
    name = safe_filename(text)
    assert name.startswith(readable_part)
    assert re.fullmatch(r"[0-9a-f]{12}", name.removeprefix(readable_part))


def test_truncated_names_that_share_a_prefix_stay_distinct():
    long_texts = [f"{'x' * 200}{suffix}" for suffix in ("a", "b", "/a", "")]
    names = [safe_filename(text) for text in long_texts]
    assert len(set(names)) == len(names)
    assert all(len(name) <= MAX_SAFE_NAME_LENGTH for name in names)
