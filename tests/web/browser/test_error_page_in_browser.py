import json

import pytest
from playwright.sync_api import expect

from errorkb.catalogue.models import ErrorEntry

pytestmark = pytest.mark.browser


def test_copy_the_example_then_diagnose_a_body_like_it(page, context):
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto("/123hub/1005")
    button = page.locator("[data-copy=example-body]")
    button.click()
    expect(button).to_have_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == ErrorEntry.objects.get(provider__slug="123hub", code="1005").example
    assert json.loads(copied)["error"]["code"] == 1005

    page.get_by_role("link", name="Diagnose a body like this").click()
    page.wait_for_url("**/diagnose?**")
    assert '"code": 1005' in page.locator("textarea[name=body]").input_value()
    assert "Invalid request format" in page.locator(".match--top").inner_text()
    assert "$.params.payment" in page.locator("#diagnosis").inner_text()


def test_sorting_and_filtering_the_table_needs_no_reload(page):
    page.goto("/rukkyhub")
    page.evaluate("window.__same = true")
    header = page.get_by_role("button", name="HTTP status")
    header.click()
    assert page.locator("th[aria-sort=ascending]").inner_text().strip() == "HTTP status"
    first = page.locator("#entries-table tbody tr").first.locator("td").nth(3).inner_text()
    assert first.startswith("200")
    header.click()
    assert page.locator("th[aria-sort=descending]").count() == 1
    page.get_by_label("Filter").fill("kyc")
    assert page.locator("#entries-table tbody tr:visible").count() == 2
    assert page.locator("[data-table-count]").inner_text() == "Showing 2 of 24"
    page.get_by_label("Filter").fill("")
    page.get_by_label("Retryable only").check()
    assert page.locator("#entries-table tbody tr:visible").count() == 3
    assert page.evaluate("window.__same") is True
