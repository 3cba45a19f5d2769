import pytest

from errorkb.catalogue.models import Category, ErrorEntry, Provider

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
JS_URL = "javascript:alert(1)"


@pytest.fixture
def hostile_entry(db):
    """A catalogue entry whose every text field tries to become markup."""
    provider = Provider.objects.get(slug="123hub")
    provider.summary = f"Payments {SCRIPT}"
    provider.docs_url = JS_URL
    provider.notes = [f"Provider note {IMG}"]
    provider.save()
    category = Category.objects.get(provider=provider, slug="limits")
    category.notes = [f"Category note {SCRIPT}"]
    category.save()
    return ErrorEntry.objects.create(
        provider=provider,
        category=category,
        code="5555",
        kind=ErrorEntry.Kind.CODE,
        title=f"Hostile {SCRIPT}",
        message=f"Hostile message {IMG}",
        description=f"See {JS_URL}",
        causes=[f"Cause {IMG}"],
        remedy=[f"Step {SCRIPT}"],
        example=f'{{"error": {{"code": 5555, "message": "{IMG}"}}}}',
        notes=[f"Note {SCRIPT}", f"Link {JS_URL}"],
        http_status=400,
        http_status_basis=ErrorEntry.StatusBasis.INFERRED,
        source_document=f"Doc {IMG}",
    )


def assert_escaped(html: str) -> None:
    """No hostile markup survived; its escaped text did."""
    assert SCRIPT not in html
    assert IMG not in html
    assert 'href="javascript:' not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or "&lt;img src=x onerror=alert(1)&gt;" in html
