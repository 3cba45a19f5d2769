import pytest

pytestmark = pytest.mark.browser


def test_searching_by_code_by_message_and_with_a_typo(page):
    page.goto("/")
    page.get_by_label("Search by code, message, title or HTTP status").fill("6010")
    page.keyboard.press("Enter")
    page.wait_for_url("**/123hub/6010")
    assert page.locator("h1").inner_text() == "Payment does not exist"

    page.get_by_label("Search errors").fill("insufficient")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=insufficient")
    assert page.locator(".result").count() >= 2
    assert page.locator(".result mark").first.inner_text().lower() == "insufficient"
    page.locator(".result__link", has_text="Low balance").click()
    page.wait_for_url("**/rukkyhub/low-balance")
    assert "inferred" in page.locator(".facts").inner_text()

    page.goto("/search?q=paymnet+does+not+exsit")
    assert page.get_by_text("Did you mean").is_visible()
    page.locator(".suggestions a", has_text="Payment does not exist").first.click()
    page.wait_for_url("**/123hub/6010")
