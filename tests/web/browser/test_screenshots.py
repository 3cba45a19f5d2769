"""Screenshots of the main pages, desktop and phone, into screenshots/ (git-ignored)."""

import pytest

from .conftest import DESKTOP, PHONE, screenshot

pytestmark = pytest.mark.browser
PNG = b"\x89PNG"

PAGES = {
    "home": "/",
    "provider-123hub": "/123hub",
    "provider-rukkyhub": "/rukkyhub",
    "error-123hub-1005": "/123hub/1005",
    "error-rukkyhub-rate-limit-hit": "/rukkyhub/rate-limit-hit",
    "search-payment": "/search?q=payment",
}
PASTES = {
    "paste-result": """HTTP/1.1 400 Bad Request
Content-Type: application/json

{"success": false, "error": {"code": 1005, "message": "Invalid request format", "details": {"description": "missing required properties including: 'payer'. Path: $.params.payment"}, "context": null}, "request_id": "d4e5f6a7-b8c9-0123-defa-234567890123", "processing_time": 3}""",
    "paste-many": '{"error": "Rate limit exceeded", "reset_in": 37}\n'
    '{"error": "Insufficient balance"}\n{"error": "Insufficient balance"}',
    "paste-no-match": "the checkout page is slow today",
}


def test_screenshots_of_the_main_pages(page):
    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(viewport)
        for name, path in PAGES.items():
            assert page.goto(path).status == 200, path
            assert screenshot(page, f"{name}-{size}").read_bytes().startswith(PNG)
        for name, text in PASTES.items():
            page.goto("/diagnose")
            page.get_by_label("Paste an error").fill(text)
            page.locator("#diagnosis .match").wait_for()
            assert screenshot(page, f"{name}-{size}").read_bytes().startswith(PNG)
