"""Screenshots of the main pages, desktop and phone, into screenshots/ (git-ignored)."""

import pytest

from .conftest import DESKTOP, PHONE, screenshot

pytestmark = pytest.mark.browser

PAGES = {
    "home": "/",
    "provider-123hub": "/123hub",
    "provider-rukkyhub": "/rukkyhub",
    "error-123hub-1005": "/123hub/1005",
    "error-rukkyhub-rate-limit-hit": "/rukkyhub/rate-limit-hit",
    "search-payment": "/search?q=payment",
}
PASTE = """HTTP/1.1 400 Bad Request
Content-Type: application/json

{"success": false, "error": {"code": 1005, "message": "Invalid request format", "details": {"description": "missing required properties including: 'payer'. Path: $.params.payment"}, "context": null}, "request_id": "d4e5f6a7-b8c9-0123-defa-234567890123", "processing_time": 3}"""


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_screenshots_of_the_main_pages(browser, server, size):
    context = browser.new_context(viewport=DESKTOP if size == "desktop" else PHONE, base_url=server)
    page = context.new_page()
    for name, path in PAGES.items():
        page.goto(path)
        screenshot(page, f"{name}-{size}")
    page.goto("/diagnose")
    page.get_by_label("Paste an error").fill(PASTE)
    page.locator("#diagnosis .match--top").wait_for()
    screenshot(page, f"paste-result-{size}")
    page.goto("/diagnose")
    page.get_by_label("Paste an error").fill('{"error": "Rate limit exceeded", "reset_in": 37}\n{"error": "Insufficient balance"}\n{"error": "Insufficient balance"}')
    page.locator("#diagnosis .match--top").wait_for()
    screenshot(page, f"paste-many-{size}")
    context.close()
