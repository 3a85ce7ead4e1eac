"""Hub strings (tags, model ids) shown in Dagster's Markdown metadata, made inert."""

import html
import re

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~])")


def escape_markdown(text: str) -> str:
    """Escape HTML first (Dagster renders raw HTML in Markdown), then every Markdown marker."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", html.escape(text, quote=True)).replace("\n", " ")
