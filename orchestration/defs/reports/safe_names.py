"""File names built from Hub strings (pipeline tags, model ids), which anyone can choose.

A name is returned unchanged only when it is already a plain lowercase token, so normal tags stay
readable (``text-generation``). Anything else is rewritten to safe characters and gets ``+`` and a
hash of the original text appended. ``+`` never appears in an unchanged name, so a rewritten name
cannot collide with an unchanged one, and two different rewritten inputs differ by their hash.
"""

import hashlib
import re
import unicodedata

# Room for a fixed prefix and the extension within the usual 255-byte limit of a file name.
MAX_SAFE_NAME_LENGTH = 100
# 48 bits: unlikely to collide even among millions of rewritten model ids.
_HASH_HEX_DIGITS = 12

# Lowercase only: on case-insensitive file systems (macOS, Windows) `Foo` and `foo` would be one file.
_UNCHANGED = re.compile(r"[a-z0-9](?:[a-z0-9._-]*[a-z0-9_-])?")
_UNSAFE_RUN = re.compile(r"[^A-Za-z0-9._-]+")
# Windows refuses these as file names whatever the extension.
_WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(10)} | {f"lpt{i}" for i in range(10)}
)


def safe_filename(text: str) -> str:
    """A deterministic, directory-bound file name (without extension) standing for ``text``."""
    if (
        len(text) <= MAX_SAFE_NAME_LENGTH
        and _UNCHANGED.fullmatch(text)
        and text.split(".")[0] not in _WINDOWS_RESERVED
    ):
        return text
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:_HASH_HEX_DIGITS]
    # Keep accented letters readable (`modèle` -> `modele`) before replacing what is left.
    ascii_text = "".join(
        char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char)
    )
    # Leading dots make hidden files (or `.` / `..`), a leading `-` reads as a command-line option,
    # trailing dots are dropped by Windows.
    stem = _UNSAFE_RUN.sub("_", ascii_text).strip("._-")
    stem = stem[: MAX_SAFE_NAME_LENGTH - _HASH_HEX_DIGITS - 1].rstrip(".") or "_"
    return f"{stem}+{digest}"
