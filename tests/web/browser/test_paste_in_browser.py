import pytest

from .conftest import DESKTOP

pytestmark = pytest.mark.browser

HTTP_DUMP = """HTTP/1.1 400 Bad Request
Date: Wed, 01 May 2024 10:00:00 GMT
Content-Type: application/json
X-Data-Hash: 3f2a9c1d0e4b5a6978877665544332211ffeeddccbbaa99887766554433221100aabbccddeeff00112233445566778899aabbccddeeff0011223344556677

{"success": false, "error": {"code": 3000, "message": "Authentication error", "details": null, "context": null}, "request_id": "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0", "processing_time": 7}"""
RUKKYHUB_BODY = '{"error": "Rate limit exceeded", "reset_in": 37}'


def test_the_plain_form_works_without_javascript(browser, server):
    context = browser.new_context(viewport=DESKTOP, base_url=server, java_script_enabled=False)
    page = context.new_page()
    page.goto("/diagnose")
    page.get_by_label("Paste an error").fill(HTTP_DUMP)
    page.get_by_role("button", name="Diagnose").click()
    page.wait_for_url("**/diagnose#diagnosis")
    top = page.locator(".match--top")
    assert "3000" in top.inner_text() and "Authentication error" in top.inner_text()
    assert "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0" in page.locator("#request-id").inner_text()
    assert "3f2a9c1d0e4b" not in page.content()  # the signature is redacted, in the textarea too
    assert not page.get_by_role("button", name="Copy").is_visible()  # copying needs JavaScript
    context.close()


def test_the_live_path_diagnoses_a_rukkyhub_body_as_you_type(page):
    page.goto("/diagnose")
    assert page.get_by_text("Results update as you type.").is_visible()
    page.get_by_label("Paste an error").fill(RUKKYHUB_BODY)
    top = page.locator("#diagnosis .match--top")
    top.wait_for()
    assert "Rate limit hit" in top.inner_text()
    assert page.url.endswith("/diagnose")  # no navigation
    status = page.locator("[data-live-status]").text_content()
    assert "Best match: RukkyHub rate-limit-hit, Rate limit hit" in status
    first = page.locator("[data-countdown]").inner_text()
    assert first.startswith("in ")
    page.wait_for_function(
        "first => document.querySelector('[data-countdown]').textContent !== first", arg=first, timeout=3000
    )


def test_the_live_path_reads_a_raw_123hub_http_dump_and_shows_errors(page):
    page.goto("/diagnose")
    page.get_by_label("Paste an error").fill(HTTP_DUMP)
    top = page.locator("#diagnosis .match--top")
    top.wait_for()
    assert "Authentication error" in top.inner_text()
    assert "3f2a9c1d0e4b" not in page.locator(".paste-echo").inner_text()
    assert "signature" in page.locator("#diagnosis .notice").inner_text()
    assert page.locator(".paste-echo mark").count() >= 1

    page.get_by_label("HTTP status").fill("42")
    page.locator("#diagnosis [role=alert]").wait_for()
    assert "between 100 and 599" in page.locator("#diagnosis [role=alert]").inner_text()
