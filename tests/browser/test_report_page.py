"""The daily HTML report as a browser shows it: every figure loads, the key numbers are on screen,
nothing is fetched from anywhere, and no Hub string runs as script."""

import pytest

from tests.reports.report_dataset import render_day_report

# Hand-computed from tests/reports/report_dataset.py (see tests/reports/test_html_report.py).
KEY_NUMBERS = ["50.0%", "68.4%", "100.0%", "80.0%"]
# The seed populations' labels, in display order.
POPULATION_LABELS = [
    "All models in the top N",
    "Language models in the top N",
    "Language-model families in the top N",
    "Language models on the whole Hub",
]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    return render_day_report(tmp_path_factory.mktemp("warehouse"))


def test_the_report_opens_offline_with_every_figure_and_key_number(browser_page, report, artifacts_dir):
    page = browser_page
    requests: list[str] = []
    dialogs: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    page.goto(report.index.as_uri(), wait_until="load")

    images = page.evaluate(
        "Array.from(document.images, img => ({complete: img.complete, width: img.naturalWidth, "
        "height: img.naturalHeight, alt: img.alt}))"
    )
    assert len(images) == report.n_figures == 13
    for image in images:
        assert image["complete"] and image["width"] == 1200 and image["height"] == 700, image

    values = page.locator("#key-numbers .card .value")
    assert values.all_inner_texts() == KEY_NUMBERS
    assert all(values.nth(i).is_visible() for i in range(values.count()))
    assert page.get_by_text("2025-01-06", exact=True).is_visible()  # the missing date
    # The hostile tag is shown as text (escaped in the file), never run.
    assert page.get_by_text("<script>alert(1)</script>", exact=False).first.is_visible()
    assert dialogs == []
    assert page.evaluate("document.scripts.length") == 0
    # Only the file itself was requested; images are data URIs.
    assert [url for url in requests if not url.startswith("data:")] == [report.index.as_uri()]

    page.screenshot(path=str(artifacts_dir / "report-top.png"))
    page.screenshot(path=str(artifacts_dir / "report-full.png"), full_page=True)


def test_the_findings_open_the_report_one_sentence_per_hypothesis(browser_page, report, artifacts_dir):
    page = browser_page
    page.goto(report.index.as_uri(), wait_until="load")

    # The first section a reader meets is the findings, above the key numbers and the figures.
    assert page.evaluate("document.querySelector('section').id") == "findings"
    findings_box = page.locator("#findings").bounding_box()
    assert findings_box is not None
    assert findings_box["y"] < page.locator("#key-numbers").bounding_box()["y"]

    # One item per hypothesis of the study, in order, each on screen with its verdict first.
    items = page.locator("#findings li.finding")
    texts = [" ".join(text.split()) for text in items.all_inner_texts()]
    assert [text.split(".")[0] for text in texts] == ["H1", "H2", "H3", "H4", "H5"]
    for i, text in enumerate(texts):
        assert items.nth(i).is_visible()
        sentence = text.split("?", 1)[1].strip()  # after the question
        assert sentence.split(".")[0] in {"Supported", "Not supported", "Inconclusive"}, text
        assert "population all_models" in text
    page.locator("#findings").screenshot(path=str(artifacts_dir / "report-findings.png"))


def test_the_answer_under_each_population_follows_the_findings(browser_page, report, artifacts_dir):
    page = browser_page
    page.goto(report.index.as_uri(), wait_until="load")

    # Right after the findings, before the key numbers: one row per population, in order.
    sections = page.evaluate("Array.from(document.querySelectorAll('section'), s => s.id)")
    assert sections[:3] == ["findings", "populations", "key-numbers"]
    rows = page.locator("#populations tbody tr")
    texts = [" ".join(text.split()) for text in rows.all_inner_texts()]
    assert [text.startswith(label) for text, label in zip(texts, POPULATION_LABELS, strict=True)] == [
        True
    ] * 4
    assert all(rows.nth(i).is_visible() for i in range(rows.count()))
    # the whole Hub has no census in this warehouse: said, not left out
    assert "Not measured yet." in texts[-1]
    page.locator("#populations").screenshot(path=str(artifacts_dir / "report-populations.png"))
