from datetime import UTC, datetime

from errorkb.web import presenters


def test_highlight_escapes_and_marks():
    html = presenters.highlight("<b>Payment</b> does not exist", ["payment"])
    assert html == "&lt;b&gt;<mark>Payment</mark>&lt;/b&gt; does not exist"


def test_highlight_escapes_a_hostile_match():
    html = presenters.highlight("<script>", ["script"])
    assert html == "&lt;<mark>script</mark>&gt;"


def test_highlight_marks_every_word_each_time_the_longer_first():
    words = presenters.query_words("balance low")
    html = presenters.highlight("Low balance & lowbalance: LOW", words)
    assert html == "<mark>Low</mark> <mark>balance</mark> &amp; <mark>low</mark><mark>balance</mark>: <mark>LOW</mark>"
    assert presenters.highlight("a & b", []) == "a &amp; b"
    # Where one word begins another, the longer is marked whole: the words come longest first.
    words = presenters.query_words("low lowbalance")
    assert words == ["lowbalance", "low"]
    assert presenters.highlight("lowbalance low", words) == "<mark>lowbalance</mark> <mark>low</mark>"


def test_query_words_keep_digits_and_drop_single_letters():
    assert presenters.query_words("a X-Data-Hash 6") == ["data", "hash", "6"]


def test_snippet_cuts_around_the_first_match():
    text = "word " * 60 + "needle " + "word " * 60
    cut = presenters.snippet(text, ["needle"], width=80)
    assert "needle" in cut and cut.startswith("…") and cut.endswith("…")
    assert len(cut) <= 82


def test_marked_segments_follow_the_spans():
    assert presenters.marked_segments("abcdef", [[1, 3], [2, 4], [5, 9]]) == [
        ("a", False),
        ("bc", True),
        ("d", True),
        ("e", False),
        ("f", True),
    ]


def test_confidence_in_words():
    assert presenters.confidence_words(0.99) == "Certain"
    assert presenters.confidence_words(0.5) == "Likely"
    assert presenters.confidence_words(0.49) == "A guess"
    assert presenters.percent(0.456) == 46


def test_split_provider():
    providers = {"123hub": "123hub", "rukkyhub": "RukkyHub"}
    assert presenters.split_provider("RukkyHub low balance", providers) == ("rukkyhub", "low balance")
    assert presenters.split_provider("6010", providers) == (None, "6010")


def test_http_url_refuses_javascript():
    assert presenters.http_url("javascript:alert(1)") == ""
    assert presenters.http_url("https://example.com/docs") == "https://example.com/docs"


def test_present_diagnosis_picks_a_confident_top_and_a_deadline():
    result = {
        "matches": [
            {"provider": "rukkyhub", "code": "rate-limit-hit", "confidence": 0.97},
            {"provider": "rukkyhub", "code": "429", "confidence": 0.45},
        ],
        "context": {"request_id": "r-1", "details": {"missing_fields": ["payer"], "path": "$.a"}},
        "advice": {"retry": True, "retry_after_seconds": 37},
        "redactions": [{"kind": "api_key", "where": "X-API-KEY header"}],
        "redacted_text": "x",
        "highlights": [],
        "errors": [{}, {}],
        "summary": [
            {"provider": "rukkyhub", "code": "rate-limit-hit", "title": "Rate limit hit", "count": 2}
        ],
    }
    now = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    shown = presenters.present_diagnosis(result, {"rukkyhub": "RukkyHub"}, now=now)
    assert shown["top"]["code"] == "rate-limit-hit" and shown["top"]["provider_name"] == "RukkyHub"
    assert [m["code"] for m in shown["others"]] == ["429"]
    assert shown["reset"]["iso"] == "2024-05-01T10:00:37+00:00"
    assert {"label": "Missing fields", "text": "payer", "block": False} in shown["context_items"]
    assert {"label": "JSON path", "text": "$.a", "block": False} in shown["context_items"]
    assert shown["redaction_notes"] == ["an API key (X-API-KEY header)"]
    assert shown["many"] and shown["grouped"][0]["url"] == "/rukkyhub/rate-limit-hit"


def test_present_diagnosis_without_a_confident_match():
    shown = presenters.present_diagnosis(
        {"matches": [{"provider": "123hub", "code": "6010", "confidence": 0.3}]}
    )
    assert shown["top"] is None
    assert shown["others"][0]["confidence_words"] == "A guess"
