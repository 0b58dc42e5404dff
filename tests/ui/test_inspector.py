"""The memory inspector in a real headless browser against a real daemon."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from urllib.parse import quote

import httpx
from playwright.sync_api import Page, expect

from .conftest import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_FLAGS,
    DOOMED,
    LOCOMO_USER,
    MOVER,
    SCOPED_TOKEN,
    TOKEN,
    Requests,
    locomo_sessions,
)


def sign_in(page: Page, base: str, path: str) -> None:
    page.goto(base + path)
    if "/ui/login" in page.url:
        page.get_by_label("API token").fill(TOKEN)
        page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(re.escape(path.split("?")[0])))


def test_the_user_page_lists_categories_and_items(daemon_url: str, page: Page) -> None:
    # Given a user whose LoCoMo turns were memorised, behind the token login
    page.goto(f"{daemon_url}/ui/users/{LOCOMO_USER}")
    expect(page).to_have_url(re.compile(r"/ui/login\?next="))

    # When signing in
    page.get_by_label("API token").fill(TOKEN)
    page.get_by_role("button", name="Sign in").click()

    # Then the user's page lists their categories and items, with their sources
    expect(page.get_by_role("heading", level=1)).to_have_text(LOCOMO_USER)
    categories = page.locator("article.category")
    expect(categories.first).to_be_visible()
    assert categories.count() >= 2
    items = page.locator("#items ~ div.items article.item")
    assert items.count() >= 10
    expect(items.first.locator("a.event-link").first).to_be_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "inspector-user-page.png"
    page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 10_000


def test_an_items_source_link_shows_the_original_event(daemon_url: str, page: Page) -> None:
    turns = {e["id"]: e for session in locomo_sessions(3) for e in session}
    sign_in(page, daemon_url, f"/ui/users/{LOCOMO_USER}")

    link = page.locator("div.items article.item a.event-link").first
    event_id = link.inner_text()
    link.click()

    event = turns[event_id]
    expect(page.get_by_role("heading", level=1)).to_contain_text(event_id)
    expect(page.locator("blockquote.said")).to_have_text(event["content"])
    expect(page.locator("#event")).to_contain_text(event["speaker"])
    expect(page.locator("#event time")).to_contain_text(event["time"][:10])


def test_a_superseded_fact_shows_on_the_timeline(daemon_url: str, page: Page) -> None:
    sign_in(page, daemon_url, f"/ui/users/{quote(MOVER, safe='')}")

    step = page.locator("ol.timeline li.step")
    expect(step).to_have_count(1)
    expect(step).to_contain_text("Berlin → Lisbon")
    expect(step.locator("time")).to_have_text("2 June 2024")
    # The old fact stays, archived as superseded, with the event it came from
    page.get_by_label("State").select_option("archived")
    page.get_by_role("button", name="Filter").click()
    old = page.locator("div.items article.item")
    expect(old).to_have_count(1)
    expect(old).to_contain_text("Berlin")
    expect(old.locator(".tag.state-superseded")).to_be_visible()
    expect(old.locator("a.event-link")).to_have_text("b1")
    page.get_by_label("State").select_option("all")
    page.get_by_role("button", name="Filter").click()
    page.locator("#timeline").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "inspector-timeline.png"))


def test_rollback_creates_a_new_summary_version(daemon_url: str, page: Page) -> None:
    sign_in(page, daemon_url, f"/ui/users/{LOCOMO_USER}")
    category = page.locator("article.category:has(details)").first
    name = category.locator("h3").inner_text()
    current = int(re.search(r"summary version (\d+)", category.inner_text()).group(1))  # type: ignore[union-attr]

    category.locator("details > summary").click()
    category.get_by_role("button", name=re.compile(r"^Roll back to v")).first.click()

    expect(page.get_by_role("status").first).to_contain_text(f"as version {current + 1}")
    after = page.locator(f"#category-{name}")
    expect(after.locator(".meta").first).to_contain_text(f"summary version {current + 1}")


def test_delete_refuses_without_the_typed_confirmation(daemon_url: str, page: Page) -> None:
    sign_in(page, daemon_url, f"/ui/users/{DOOMED}")

    # A wrong id: refused, and the user is still there
    page.get_by_label("Type the user id to confirm").fill("delete-m")
    page.get_by_role("button", name="Delete user").click()
    expect(page.get_by_role("alert")).to_contain_text("Not deleted")
    page.goto(f"{daemon_url}/ui?q={DOOMED}")
    expect(page.locator("table.users")).to_contain_text(DOOMED)

    # No id at all, past the browser's own check: refused by the daemon too
    page.goto(f"{daemon_url}/ui/users/{DOOMED}")
    page.locator("#confirm").evaluate("input => input.removeAttribute('required')")
    page.get_by_role("button", name="Delete user").click()
    expect(page.get_by_role("alert")).to_contain_text("Not deleted")

    # The id typed exactly: deleted
    page.get_by_label("Type the user id to confirm").fill(DOOMED)
    page.get_by_role("button", name="Delete user").click()
    expect(page.get_by_role("status").first).to_contain_text(f"User {DOOMED}")
    expect(page.locator("table.users")).not_to_contain_text(DOOMED)


def test_retrieve_forget_and_evolve(daemon_url: str, page: Page) -> None:
    sign_in(page, daemon_url, f"/ui/users/{LOCOMO_USER}")

    page.get_by_label("Query").fill("painting")
    page.get_by_role("button", name="Retrieve").click()
    hits = page.locator("ol.ranked article.item")
    expect(hits.first).to_be_visible()
    scores = [float(s.split()[-1]) for s in hits.locator(".score").all_inner_texts()]
    assert scores == sorted(scores, reverse=True)

    page.once("dialog", lambda dialog: dialog.accept())
    first = page.locator("div.items article.item").first
    text = first.locator(".text").inner_text()
    first.get_by_role("button", name="Forget").click()
    expect(page.get_by_role("status").first).to_contain_text("forgotten")
    expect(page.locator("div.items .text", has_text=text)).to_have_count(0)

    page.get_by_role("button", name="Run evolution now").click()
    expect(page.get_by_role("status").first).to_contain_text("Self-evolution ran 4 jobs")
    # The manual run is listed (runs triggered by new items may be listed too)
    runs = page.locator("table.runs tbody tr", has_text="manual")
    expect(runs.first).to_be_visible()
    assert runs.count() == 4


def test_a_scoped_token_sees_only_its_users(daemon_url: str) -> None:
    with httpx.Client(base_url=daemon_url, trust_env=False, timeout=30) as client:
        bearer = {"Authorization": f"Bearer {SCOPED_TOKEN}"}
        users = client.get("/ui", headers=bearer)
        assert users.status_code == 200
        assert LOCOMO_USER in users.text and MOVER not in users.text
        assert client.get(f"/ui/users/{MOVER}", headers=bearer).status_code == 403
        assert (
            client.get("/ui/users/x", headers={"Authorization": "Bearer nope"}).status_code == 303
        )
        # Actions need the page's form token too (no cross-site form posts)
        post = client.post(f"/ui/users/{LOCOMO_USER}/evolve", headers=bearer, data={"csrf": "x"})
        assert post.status_code == 403


def test_dump_dom_shows_item_texts_and_their_source_event_ids(
    daemon_url: str, tmp_path: Path
) -> None:
    # chromium itself, no playwright, no cookie: the token in the URL (moved to a cookie)
    profile = tmp_path / "profile"  # a fresh --user-data-dir
    url = f"{daemon_url}/ui/users/{quote(MOVER, safe='')}?state=all&token={TOKEN}"
    dom = subprocess.run(
        [CHROMIUM, "--headless", *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", url],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout

    assert "Maria lives in Berlin." in dom and "moved to Lisbon" in dom
    assert ">b1</code>" in dom and ">l1</code>" in dom


def test_no_request_left_the_machine(requests_made: Requests) -> None:
    assert requests_made.urls, "the browser tests made no request"
    assert requests_made.off_machine() == []
    assert any("/ui/static/inspector.js" in u for u in requests_made.urls)
