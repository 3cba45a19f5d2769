"""entry_path() lays out an entry page's URL as reverse() does, without reverse()'s cost."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from errorkb.catalogue.models import entry_path

CODES = [
    "6010",
    "low-balance",
    "a b",
    "ünïcode",
    "50%",
    "?x=1",
    "#frag",
    "~:@!$&'()*+,;=",
    "E\n1",
    "..",
    "\\",
]


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("provider", ["123hub", "rukkyhub", "synth-0042", "a_b"])
def test_it_gives_what_reverse_gives(provider, code):
    assert entry_path(provider, code) == reverse("web:error", args=[provider, code])


def test_it_follows_the_script_prefix():
    try:
        set_script_prefix("/errorkb/")
        assert (
            entry_path("123hub", "6010")
            == "/errorkb/123hub/6010"
            == reverse("web:error", args=["123hub", "6010"])
        )
    finally:
        set_script_prefix("/")
    assert entry_path("123hub", "6010") == "/123hub/6010"


@pytest.mark.parametrize(
    "provider, code", [("123hub", "a/b"), ("123hub", ""), ("not a slug", "6010"), ("", "1")]
)
def test_what_the_url_pattern_refuses_is_refused_as_before(provider, code):
    with pytest.raises(NoReverseMatch):
        entry_path(provider, code)
