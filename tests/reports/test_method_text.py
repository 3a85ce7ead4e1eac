"""docs/method.md is the one text of the report's method section.

The report's "Method and limits" section must be docs/method.md, word for word, with only the
values in double braces filled in; a changed file changes the report, and the templates hold none
of its prose.
"""

import dataclasses
import re
from pathlib import Path

import pytest

from orchestration.defs.reports.html_report import build_report_html
from orchestration.defs.reports.method_text import (
    METHOD_FILE,
    MethodTextError,
    read_method_text,
    render_method,
)
from tests.conftest import REPO_ROOT
from tests.reports.report_dataset import GENERATED_AT, repository_pipeline_text
from tests.reports.test_html_report import load, parse

TEMPLATES = REPO_ROOT / "orchestration" / "defs" / "reports" / "templates"


def squeezed(text: str) -> str:
    """Text without any whitespace: the comparison ignores how lines and tags split it."""
    return "".join(text.split())


def markdown_as_text(markdown: str, values: dict[str, str]) -> str:
    """What a reader sees of the Markdown, worked out here independently of method_text: comments
    dropped, the title dropped, markers removed, values filled in."""
    markdown = re.sub(r"<!--.*?-->", "", markdown, flags=re.DOTALL)
    markdown = re.sub(r"\{\{\s*(\w+)\s*\}\}", lambda m: values[m.group(1)], markdown)
    lines = [line for line in markdown.splitlines() if not line.startswith("# ")]
    text = "\n".join(lines)
    text = re.sub(r"^#+ ", "", text, flags=re.MULTILINE)
    text = re.sub(r"^- ", "", text, flags=re.MULTILINE)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    # Outside `code` spans, asterisks are markers; inside, text (`report_*`).
    parts = text.split("`")
    return "".join(part if i % 2 else part.replace("*", "") for i, part in enumerate(parts))


def method_section(html: str) -> str:
    section = html.split('<section id="method">', 1)[1].split("</section>", 1)[0]
    return parse(section).text


def test_the_reports_method_section_is_docs_method_md(built_report_db):
    data, context = load(built_report_db)
    html = build_report_html(data, [], context, generated_at=GENERATED_AT)
    # The repository's vars (dbt_project.yml) and the dbt description of the size chain.
    values = {
        "slm_max_params": "7,000,000,000 (7B)",
        "medium_max_params": "off",
        "size_mode": "exact",
        "old_model_age_days": "365",
        "min_known_models_per_period": "10",
        "size_sources": repository_pipeline_text().size_sources,
    }
    expected = "Method and limits" + markdown_as_text(METHOD_FILE.read_text(encoding="utf-8"), values)
    assert squeezed(method_section(html)) == squeezed(expected)


def test_the_section_follows_the_file_and_escapes_it(built_report_db):
    data, context = load(built_report_db)
    text = "# Method\n\n## Findings\n\nA <b>sentinel</b> with **{{ old_model_age_days }}** days.\n"
    pipeline = dataclasses.replace(repository_pipeline_text(), method=text)
    html = build_report_html(
        data, [], dataclasses.replace(context, pipeline=pipeline), generated_at=GENERATED_AT
    )
    section = html.split('<section id="method">', 1)[1].split("</section>", 1)[0]
    assert "<h3>Findings</h3>" in section
    assert "<p>A &lt;b&gt;sentinel&lt;/b&gt; with <strong>365</strong> days.</p>" in section
    # Nothing of docs/method.md is left when the text is another: no second copy in a template.
    assert "sampling bias" not in section and "Rules in force" not in section


def test_the_templates_hold_none_of_the_method_prose():
    method = METHOD_FILE.read_text(encoding="utf-8")
    for phrase in ("top-N sampling bias", "Regenerating a past day", "first source of this chain"):
        assert phrase in method
        for template in TEMPLATES.iterdir():
            assert phrase not in template.read_text(encoding="utf-8"), template.name


def test_a_value_the_report_does_not_fill_in_is_refused(tmp_path: Path):
    changed = tmp_path / "method.md"
    changed.write_text("## Rules\n\nThe boundary is {{ slm_max_param }}.\n", encoding="utf-8")
    with pytest.raises(MethodTextError, match=r"\{\{ slm_max_param \}\}"):
        read_method_text(changed)
    assert read_method_text(METHOD_FILE)  # the repository's file names known values only


def test_lists_continue_on_indented_lines_and_links_keep_their_text_only():
    html = render_method("- **one**: a `code` span\n  continued\n- two, see [the README](../README.md)\n", {})
    assert html == (
        "<ul>\n<li><strong>one</strong>: a <code>code</code> span continued</li>\n"
        "<li>two, see the README</li>\n</ul>"
    )
