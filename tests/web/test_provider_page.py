import re

import pytest
from django.urls import reverse

from .conftest import assert_escaped

pytestmark = pytest.mark.django_db


def test_it_works(client):
    response = client.get(reverse("web:provider", args=["123hub"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>123hub</h1>" in html
    assert 'src="/static/js/table.js"' in html


def test_it_shows_the_envelope_annotated(client):
    html = client.get("/123hub").content.decode()
    assert "How its errors are shaped" in html
    assert "&quot;processing_time&quot;: 5" in html
    assert "<code>error.code</code>" in html
    assert "<code>request_id</code>" in html


def test_it_shows_how_it_authenticates(client):
    html = client.get("/123hub").content.decode()
    assert "X-Data-Application-Id" in html and "SHA-512" in html


def test_it_maps_every_code_range_including_empty_ones(client):
    response = client.get("/123hub")
    slots = {
        slot.category.range_label: [e.code for e in slot.entries] for slot in response.context["range_map"]
    }
    assert list(slots) == [f"{n}xxx" for n in range(1, 10)]
    assert slots["6xxx"] == ["6001", "6002", "6004", "6009", "6010"]
    assert slots["4xxx"] == [] and slots["5xxx"] == []
    html = response.content.decode()
    assert html.count("No documented codes") == 2
    assert "range-tile--empty" in html


def test_it_lists_every_entry_in_a_sortable_table(client):
    html = client.get("/123hub").content.decode()
    table = html[html.index('<table class="entries"') : html.index("</table>")]
    assert len(re.findall(r"<tr data-retryable", table)) == 23
    assert 'data-sort="number"' in table
    assert 'href="/123hub/6010"' in table


def test_it_marks_inferred_statuses(client):
    html = client.get("/rukkyhub").content.decode()
    assert "badge--inferred" in html and "badge--documented" in html


def test_it_shows_categories_without_ranges_for_rukkyhub(client):
    response = client.get("/rukkyhub")
    assert response.context["range_map"] == []
    html = response.content.decode()
    assert "Common error messages" in html and "Code ranges" not in html


def test_it_shows_provider_notes_as_caveats(client):
    html = client.get("/123hub").content.decode()
    assert 'class="caveat"' in html and "ErrorKB follows the best-practices section" in html


def test_it_answers_404_for_an_unknown_provider(client):
    response = client.get("/nosuchprovider")
    assert response.status_code == 404
    assert "There is nothing at this address" in response.content.decode()


def test_it_escapes_catalogue_text_and_drops_javascript_links(client, hostile_entry):
    html = client.get("/123hub").content.decode()
    assert_escaped(html)
    assert "provider docs" not in html


def test_it_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        client.get("/123hub")
