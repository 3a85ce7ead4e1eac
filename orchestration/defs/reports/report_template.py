"""The daily report's page skeleton and stylesheet: plain strings, no template engine.

Everything inserted here is already HTML: the caller (`html_report`) escapes every piece of text,
Hub strings included, before it reaches these functions. The page loads nothing from elsewhere: no
script, no web font, no external stylesheet; images are data URIs.
"""

import html

STYLESHEET = """
:root {
  --text: #1f2328; --muted: #57606a; --line: #d0d7de; --panel: #f6f8fa;
  --slm: #0072B2; --llm: #D55E00; --warn-bg: #fff8e5; --warn-line: #d4a72c;
}
* { box-sizing: border-box; }
body {
  margin: 0; color: var(--text); background: #ffffff;
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
main { max-width: 1240px; margin: 0 auto; padding: 24px 20px 64px; }
header.page { border-bottom: 1px solid var(--line); margin-bottom: 24px; padding-bottom: 12px; }
h1 { font-size: 1.9rem; margin: 0 0 4px; }
h2 { font-size: 1.4rem; margin: 40px 0 12px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.1rem; margin: 0 0 8px; }
p, li, td, th { overflow-wrap: anywhere; }
.muted { color: var(--muted); }
.banner {
  background: var(--warn-bg); border: 1px solid var(--warn-line); border-radius: 6px;
  padding: 10px 14px; margin: 12px 0;
}
nav.toc ul { display: flex; flex-wrap: wrap; gap: 6px 18px; list-style: none; padding: 0; margin: 8px 0 0; }
nav.toc a, footer a { color: var(--slm); }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(250px, 1fr)); gap: 14px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; }
.card .label { font-size: 0.9rem; color: var(--muted); margin: 0; }
.card .value { font-size: 2.1rem; font-weight: 700; color: var(--slm); margin: 2px 0; }
.card.unavailable .value { color: var(--muted); font-size: 1.3rem; }
.card .detail { font-size: 0.9rem; margin: 0; }
figure.study { margin: 0 0 36px; padding: 16px; border: 1px solid var(--line); border-radius: 8px; }
figure.study img { display: block; width: 100%; height: auto; border-radius: 4px; }
figure.study figcaption { margin-top: 10px; }
figure.study .file { font-size: 0.85rem; color: var(--muted); }
table { border-collapse: collapse; width: 100%; font-size: 0.95rem; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); }
th { background: var(--panel); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
footer { margin-top: 48px; border-top: 1px solid var(--line); padding-top: 12px; font-size: 0.9rem; }
"""


# Nothing may be fetched or run: images only from data URIs, styles only inline.
CONTENT_SECURITY_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def page(*, title: str, header: str, sections: list[str], footer: str) -> str:
    """The whole document. ``title`` is plain text; the other arguments are escaped HTML."""
    body = "\n".join(sections)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">
<title>{html.escape(title)}</title>
<style>{STYLESHEET}</style>
</head>
<body>
<main>
{header}
{body}
{footer}
</main>
</body>
</html>
"""


def section(section_id: str, heading: str, content: str) -> str:
    """A titled section; ``section_id`` is a fixed identifier of ours, ``heading`` plain text."""
    return f'<section id="{section_id}">\n<h2>{html.escape(heading)}</h2>\n{content}\n</section>'
