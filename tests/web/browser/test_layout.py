import pytest

from errorkb.catalogue.models import ErrorEntry

pytestmark = pytest.mark.browser

PAGES = ["/", "/123hub", "/rukkyhub", "/123hub/1005", "/rukkyhub/domain-whitelist-mismatch", "/search?q=payment", "/diagnose", "/search"]


def test_styles_and_scripts_load(page):
    page.goto("/")
    accent = page.locator(".brand__mark").evaluate("element => getComputedStyle(element).backgroundColor")
    assert accent == "rgb(31, 95, 191)"
    assert page.evaluate("typeof window.ErrorKB") == "object"


def test_nothing_scrolls_sideways_on_a_narrow_phone(browser, server):
    context = browser.new_context(viewport={"width": 360, "height": 740}, base_url=server)
    page = context.new_page()
    wide = []
    for path in PAGES + ["/diagnose?body=" + ErrorEntry.objects.get(code="1005").example]:
        page.goto(path)
        if page.evaluate("document.documentElement.scrollWidth > window.innerWidth"):
            wide.append(path)
    context.close()
    assert wide == []


def test_dark_mode_follows_the_system(browser, server):
    context = browser.new_context(color_scheme="dark", base_url=server)
    page = context.new_page()
    page.goto("/123hub")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(17, 20, 24)"
    context.close()


def test_light_mode_is_light(page):
    page.emulate_media(color_scheme="light")
    page.goto("/123hub")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(246, 247, 249)"


def test_no_console_errors_or_csp_violations_on_any_page(page, problems):
    for path in PAGES + ["/diagnose?body=%7B%22error%22%3A%22Insufficient+balance%22%7D"]:
        page.goto(path)  # waits for the load event: stylesheet and scripts included
    page.wait_for_timeout(200)  # let deferred scripts run on the last page
    assert list(problems) == []
