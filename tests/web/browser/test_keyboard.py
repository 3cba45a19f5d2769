import pytest

pytestmark = pytest.mark.browser


def focused(page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()")


def test_search_from_the_keyboard(page):
    page.goto("/")
    assert focused(page) == "q"  # autofocused
    page.goto("/123hub/6010")
    page.locator("body").click(position={"x": 5, "y": 400})
    page.keyboard.press("/")
    assert focused(page) == "header-q"
    page.keyboard.type("7002")
    page.keyboard.press("Enter")
    page.wait_for_url("**/123hub/7002")

    page.goto("/diagnose")
    page.get_by_label("Paste an error").click()
    page.keyboard.type("a/b")  # "/" types normally inside a text box
    assert page.get_by_label("Paste an error").input_value() == "a/b"


def test_tab_reaches_the_paste_button_and_enter_submits(page):
    page.goto("/")
    page.get_by_label("Paste an error").fill('{"error": "Incorrect PIN"}')
    page.get_by_label("Paste an error").focus()
    for _ in range(3):
        page.keyboard.press("Tab")
    assert focused(page) == "Diagnose"
    page.keyboard.press("Enter")
    page.wait_for_url("**/diagnose#diagnosis")
    assert "Wrong PIN" in page.locator(".match--top").inner_text()


def test_skip_link_and_sort_buttons_work_from_the_keyboard(page):
    page.goto("/123hub")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.evaluate("element => element === document.activeElement")
    assert skip.bounding_box()["y"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    page.get_by_role("button", name="Code").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    assert page.locator("#entries-table tbody tr").first.locator("td").first.inner_text() == "9000"
