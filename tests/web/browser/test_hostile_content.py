import pytest

from errorkb.catalogue.models import Category, ErrorEntry, Provider

pytestmark = pytest.mark.browser

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"


@pytest.fixture
def hostile(catalogue):
    provider = Provider.objects.get(slug="123hub")
    return ErrorEntry.objects.create(
        provider=provider,
        category=Category.objects.get(provider=provider, slug="limits"),
        code="5555",
        kind=ErrorEntry.Kind.CODE,
        title=f"Hostile {SCRIPT}",
        message=f"Hostile {IMG}",
        notes=["javascript:alert(1)"],
        remedy=[IMG],
        example=SCRIPT,
    )


@pytest.mark.parametrize("path", ["/123hub/5555", "/123hub", "/search?q=hostile"])
def test_hostile_catalogue_text_is_shown_not_run(page, hostile, path):
    page.goto(path)
    page.wait_for_load_state("networkidle")
    assert SCRIPT in page.locator("main").inner_text()
    assert page.locator("main script, main img").count() == 0
    # The page fixture fails the test on any dialog (an alert that ran) or console error.


def test_a_hostile_paste_is_shown_not_run(page):
    page.goto("/diagnose")
    page.get_by_label("Paste an error").fill(f'{{"error": "{SCRIPT}{IMG}"}}')
    page.locator("#diagnosis .paste-echo").wait_for()
    assert IMG in page.locator(".paste-echo").inner_text()
    assert page.locator("#diagnosis script, #diagnosis img").count() == 0
