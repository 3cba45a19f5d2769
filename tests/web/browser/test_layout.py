import pytest

pytestmark = pytest.mark.browser

PAGES = [
    "/",
    "/123hub",
    "/rukkyhub",
    "/123hub/1005",
    "/rukkyhub/domain-whitelist-mismatch",
    "/search?q=payment",
    "/search",
    "/diagnose",
    "/diagnose?body=%7B%22error%22%3A+%22Insufficient+balance%22%7D",
]


def test_styles_scripts_and_both_colour_schemes_load(page):
    page.emulate_media(color_scheme="light")
    page.goto("/123hub")
    accent = page.locator(".brand__mark").evaluate("element => getComputedStyle(element).backgroundColor")
    assert accent == "rgb(31, 95, 191)"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(246, 247, 249)"
    assert page.evaluate("typeof window.ErrorKB") == "object"
    page.emulate_media(color_scheme="dark")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(17, 20, 24)"


def test_no_console_errors_no_csp_violations_and_no_sideways_scroll_on_a_phone(page, problems):
    page.set_viewport_size({"width": 360, "height": 740})
    wide = []
    for path in PAGES:
        page.goto(path)  # waits for the load event: stylesheet and scripts included
        if page.evaluate("document.documentElement.scrollWidth > window.innerWidth"):
            wide.append(path)
    page.wait_for_timeout(200)  # let the last page's deferred scripts run
    assert wide == []
    assert list(problems) == []
