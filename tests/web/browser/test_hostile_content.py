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


def test_hostile_text_is_shown_never_run(page, hostile):
    # The page fixture fails the test on any dialog (an alert that ran) or console error.
    for path in ["/123hub/5555", "/123hub", "/search?q=hostile"]:
        page.goto(path)
        assert SCRIPT in page.locator("main").inner_text()
        assert page.locator("main script, main img").count() == 0

    page.goto("/diagnose")
    page.get_by_label("Paste an error").fill(f'{{"error": "{SCRIPT}{IMG}"}}')
    page.locator("#diagnosis .paste-echo").wait_for()
    assert IMG in page.locator(".paste-echo").inner_text()
    assert page.locator("#diagnosis script, #diagnosis img").count() == 0
