"""The report's method section, rendered from docs/method.md: the one text that describes the method.

docs/method.md is written for readers of the repository and of the report alike; this module turns
its small Markdown subset into escaped HTML for the report's "Method and limits" section, filling
the values in double braces (``{{ slm_max_params }}``) from the marts. Supported: ``##``/``###``
headings (the document's ``#`` title is the report section's own heading, so it is dropped),
paragraphs, ``- `` lists with indented continuation lines, ```code```, ``**bold**``, ``*emphasis*``,
``[text](target)`` shown as its text (the report links to nothing outside itself), and ``<!-- -->``
comments for maintainers. Anything else is plain text, escaped.
"""

import re
from collections.abc import Mapping
from pathlib import Path

from markupsafe import Markup, escape

METHOD_FILE = Path(__file__).resolve().parents[3] / "docs" / "method.md"

_PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")
_INLINE = re.compile(r"`([^`]+)`|\*\*(.+?)\*\*|\*(.+?)\*|\[([^\]]+)\]\([^)]*\)")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


class MethodTextError(ValueError):
    """docs/method.md names a value the report does not have."""


def _inline(text: str) -> Markup:
    """Escaped text with the inline markers turned into tags (a link keeps its text only)."""
    parts: list[Markup] = []
    position = 0
    for match in _INLINE.finditer(text):
        parts.append(escape(text[position : match.start()]))
        code, bold, emphasis, link_text = match.groups()
        if code is not None:
            parts.append(Markup("<code>{}</code>").format(code))
        elif bold is not None:
            parts.append(Markup("<strong>{}</strong>").format(_inline(bold)))
        elif emphasis is not None:
            parts.append(Markup("<em>{}</em>").format(_inline(emphasis)))
        else:
            parts.append(_inline(link_text))
        position = match.end()
    parts.append(escape(text[position:]))
    return Markup("").join(parts)


def _blocks(text: str) -> list[list[str]]:
    """Lines grouped into blocks: split at blank lines, and a heading is a block of its own."""
    blocks: list[list[str]] = [[]]
    for line in _COMMENT.sub("", text).splitlines():
        if line.startswith("#"):
            blocks += [[line.rstrip()], []]
        elif line.strip():
            blocks[-1].append(line.rstrip())
        elif blocks[-1]:
            blocks.append([])
    return [block for block in blocks if block]


def _list_items(block: list[str]) -> list[str]:
    items: list[str] = []
    for line in block:
        if line.startswith("- "):
            items.append(line[2:].strip())
        else:
            items[-1] += " " + line.strip()
    return items


def fill_values(text: str, values: Mapping[str, str]) -> str:
    """``text`` with each ``{{ name }}`` replaced by ``values[name]`` (Markdown, inline markers kept)."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise MethodTextError(
                f"docs/method.md uses {{{{ {name} }}}}, which the report does not fill in "
                f"(it fills in: {', '.join(sorted(values))})"
            )
        return values[name]

    return _PLACEHOLDER.sub(value, text)


def render_method(text: str, values: Mapping[str, str]) -> Markup:
    """The HTML of the method section from the Markdown ``text`` of docs/method.md."""
    html: list[Markup] = []
    for block in _blocks(fill_values(text, values)):
        first = block[0]
        if first.startswith("# "):
            continue
        if first.startswith("### "):
            html.append(Markup("<h4>{}</h4>").format(_inline(first[4:].strip())))
        elif first.startswith("## "):
            html.append(Markup("<h3>{}</h3>").format(_inline(first[3:].strip())))
        elif first.startswith("- "):
            items = Markup("").join(Markup("<li>{}</li>\n").format(_inline(i)) for i in _list_items(block))
            html.append(Markup("<ul>\n{}</ul>").format(items))
        else:
            html.append(Markup("<p>{}</p>").format(_inline(" ".join(line.strip() for line in block))))
    return Markup("\n").join(html)


# The values the report fills in, by name (html_report.method_values).
VALUE_NAMES = (
    "slm_max_params",
    "medium_max_params",
    "size_mode",
    "old_model_age_days",
    "min_known_models_per_period",
    "size_sources",
)


def read_method_text(path: Path = METHOD_FILE) -> str:
    """docs/method.md, checked to name only values the report fills in (fails when the code loads)."""
    text = path.read_text(encoding="utf-8")
    fill_values(text, dict.fromkeys(VALUE_NAMES, ""))
    return text
