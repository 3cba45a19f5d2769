import pytest

pytestmark = pytest.mark.browser


def test_searching_a_code_opens_its_page(page):
    page.goto("/")
    page.get_by_label("Search by code, message, title or HTTP status").fill("6010")
    page.keyboard.press("Enter")
    page.wait_for_url("**/123hub/6010")
    assert page.locator("h1").inner_text() == "Payment does not exist"


def test_searching_a_message_lists_and_highlights(page):
    page.goto("/")
    page.locator("#q").fill("insufficient")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=insufficient")
    results = page.locator(".result")
    assert results.count() >= 2
    assert page.locator(".result mark").first.inner_text().lower() == "insufficient"
    page.locator(".result__link", has_text="Low balance").click()
    page.wait_for_url("**/rukkyhub/low-balance")
    assert "inferred" in page.locator(".facts").inner_text()


def test_a_typo_offers_did_you_mean(page):
    page.goto("/search?q=paymnet+does+not+exsit")
    assert page.get_by_text("Did you mean").is_visible()
    page.locator(".suggestions a", has_text="Payment does not exist").first.click()
    page.wait_for_url("**/123hub/6010")
