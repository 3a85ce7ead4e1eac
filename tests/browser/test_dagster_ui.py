"""The Dagster UI serves the project's code location: the asset lineage shows the pipeline's assets,
and the daily schedule is shown running (its default status) without anyone switching it on."""

import re

from playwright.sync_api import expect

ASSETS = ["hub_model_snapshots", "int_model_snapshots__classified", "class_split", "study_figures"]
SCHEDULE = "daily_snapshot_schedule"
UI_TIMEOUT_MS = 60_000  # the code location may still be loading when the page opens


def test_the_asset_lineage_shows_the_pipeline_assets(browser_page, dagster_ui, artifacts_dir):
    page = browser_page
    page.set_default_timeout(UI_TIMEOUT_MS)
    # The sidebar renders only the rows in view: tall enough for every group's assets at once.
    page.set_viewport_size({"width": 1600, "height": 3000})
    page.goto(f"{dagster_ui}/asset-groups")
    page.get_by_text("Global asset lineage").wait_for()

    # The graph shows each asset group collapsed: expand them all from the graph's context menu
    # (right-click on the empty lower-left corner of the graph panel).
    page.locator("button:has([aria-label='arrow_drop_down'])").first.wait_for()  # groups are loaded
    page.mouse.click(600, page.viewport_size["height"] - 40, button="right")
    page.get_by_role("menuitem", name="Expand all groups").click()
    # With every group expanded the graph is zoomed out past the level where nodes carry labels:
    # the assets' names are read from the sidebar below, not from the graph.

    # The sidebar lists the groups collapsed too; open each (last first, so rows above keep place)
    # to read every asset's full name.
    collapsed = page.locator("button:has([aria-label='arrow_drop_down'][style*='rotate(-90deg)'])")
    for _ in range(20):
        if collapsed.count() == 0:
            break
        collapsed.last.click()
    assert collapsed.count() == 0
    for asset in ASSETS:
        page.locator(f'[title="{asset}"]').first.wait_for(state="visible")
    page.screenshot(path=str(artifacts_dir / "dagster-asset-lineage.png"))


def test_the_daily_schedule_is_running_by_default(browser_page, dagster_ui, artifacts_dir):
    page = browser_page
    page.set_default_timeout(UI_TIMEOUT_MS)
    page.goto(f"{dagster_ui}/automation")
    page.get_by_text(SCHEDULE, exact=True).wait_for()
    # The row's on/off switch (the other checkbox of the row selects it for bulk actions).
    switch = page.locator(
        f"xpath=//a[contains(@href, '/schedules/{SCHEDULE}')]/following-sibling::div//input[@type='checkbox']"
    )
    # The switch is drawn before the schedule's state arrives: wait for the state, not the switch.
    expect(switch).to_have_count(1, timeout=UI_TIMEOUT_MS)
    expect(switch).to_be_checked(timeout=UI_TIMEOUT_MS)
    page.screenshot(path=str(artifacts_dir / "dagster-automation.png"))

    page.get_by_role("link", name=re.compile(SCHEDULE)).click()
    page.get_by_text("Execution timezone").wait_for()
    running = page.locator("tr:has-text('Running') input[type='checkbox']")
    expect(running).to_have_count(1, timeout=UI_TIMEOUT_MS)
    expect(running).to_be_checked(timeout=UI_TIMEOUT_MS)
    assert page.get_by_role("link", name="daily_snapshot", exact=True).count() >= 1  # the target job
    page.screenshot(path=str(artifacts_dir / "dagster-schedule.png"))
