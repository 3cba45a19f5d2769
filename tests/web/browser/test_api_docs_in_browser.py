"""The Swagger UI at /api/docs works in a real browser under the strict CSP."""

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser):
    page = browser.new_page()
    yield page
    page.close()


def test_the_docs_page_renders_every_endpoint_without_a_csp_violation(page, live_server, catalogue):
    console = []
    page.on("console", lambda message: console.append(message.text))
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    response = page.goto(f"{live_server.url}/api/docs")
    assert response.status == 200
    page.wait_for_selector(".opblock-summary-path", timeout=20_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/v1/diagnose" in p for p in paths)
    assert any("/api/v1/errors/{provider}/{code}" in p for p in paths)
    violations = [text for text in console if "Content Security Policy" in text or "Refused to" in text]
    assert not violations, violations
    assert not failed, failed
    # The page's own inline style applied (allowed by hash): Swagger's grey background.
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(250, 250, 250)"


def test_an_injected_inline_script_would_still_be_refused_on_the_docs_page(page, live_server, catalogue):
    page.goto(f"{live_server.url}/api/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=20_000)
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.__pwned = 1';"
        " document.body.appendChild(s); }"
    )
    assert page.evaluate("window.__pwned") is None
