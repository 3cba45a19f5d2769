from django.core.exceptions import RequestDataTooBig
from django.shortcuts import get_object_or_404, redirect, render

from errorkb.api.errors import SERVER_ERROR_DETAIL
from errorkb.catalogue.models import ErrorEntry, Provider, entry_path
from errorkb.catalogue.querysets import page_values
from errorkb.catalogue.snapshot import engine_catalogue
from errorkb.diagnosis import ProviderUnknown, diagnose

from . import presenters
from .forms import PasteForm
from .middleware import is_api_request, problem_response

SEARCH_EXAMPLES = ["6010", "60", "429", "insufficient balance", "X-Data-Hash", "rukkyhub pin"]
MAX_RESULTS = 50
MAX_QUERY = 200


def home(request):
    providers = Provider.objects.with_entry_counts()
    return render(
        request,
        "web/home.html",
        {"providers": providers, "form": PasteForm(), "examples": SEARCH_EXAMPLES},
    )


def provider_detail(request, provider):
    provider = get_object_or_404(Provider, slug=provider)
    categories = list(provider.categories.with_entry_counts())
    entries = list(provider.entries.for_display())
    return render(
        request,
        "web/provider.html",
        {
            "provider": provider,
            "categories": categories,
            "entries": entries,
            "range_map": presenters.range_map(categories, entries),
            "annotations": presenters.envelope_annotations(provider),
            "docs_url": presenters.http_url(provider.docs_url),
        },
    )


def error_detail(request, provider, code):
    entry = get_object_or_404(ErrorEntry.objects.for_display(), provider__slug=provider, code=code)
    return render(
        request,
        "web/error.html",
        {
            "entry": entry,
            "related": entry.related.for_display(),
            "diagnose_link": presenters.diagnose_link(entry),
        },
    )


def search(request):
    query = " ".join(request.GET.get("q", "").split())[:MAX_QUERY]
    if not query:
        return render(request, "web/search.html", {"query": "", "examples": SEARCH_EXAMPLES})

    providers = engine_catalogue().provider_names  # in memory, as the paste form's list
    provider, text = presenters.split_provider(query, providers)
    if provider and not text:
        return redirect("web:provider", provider)

    entries = ErrorEntry.objects.all()
    if provider:
        entries = entries.filter(provider__slug=provider)  # before search(), which plans the page
    results = page_values(entries.search(text)[: MAX_RESULTS + 1], presenters.RESULT_VALUES)

    # An exact code is an answer, not a search; a bare HTTP status is shared by many entries.
    exact = [row for row in results if row["rank"] == 0]
    if len(exact) == 1 and (provider or len(results) == 1 or exact[0]["kind"] != ErrorEntry.Kind.HTTP_STATUS):
        return redirect(entry_path(exact[0]["provider__slug"], exact[0]["code"]))

    suggestions = []
    if not results:
        diagnosis = diagnose(text, engine_catalogue(), provider=provider).to_dict()
        suggestions = presenters.present_diagnosis(diagnosis, providers)["matches"]

    words = presenters.query_words(text)
    return render(
        request,
        "web/search.html",
        {
            "query": query,
            "provider_name": providers.get(provider),
            "results": [presenters.search_hit(row, words) for row in results[:MAX_RESULTS]],
            "more": len(results) > MAX_RESULTS,
            "suggestions": suggestions,
            "examples": SEARCH_EXAMPLES,
        },
    )


def paste(request):
    """The paste page: a plain form that works without JavaScript, answered in place.

    A GET with a `body` (the error pages link here) is diagnosed at once. A fetch
    from static/js/paste.js (X-Requested-With: fetch) gets the result fragment only.
    """
    data = request.POST if request.method == "POST" else request.GET if "body" in request.GET else None
    if data is None:
        return render(request, "web/paste.html", {"form": PasteForm()})

    form = PasteForm(data)
    diagnosis = None
    if form.is_valid():
        values = form.cleaned_data
        try:
            result = diagnose(
                values["body"],
                engine_catalogue(),
                provider=values["provider"] or None,
                http_status=values["http_status"],
            ).to_dict()
        except ProviderUnknown as exc:
            form.add_error("provider", str(exc))
        else:
            diagnosis = presenters.present_diagnosis(result, form.provider_names)
    form.show_body(diagnosis["redacted_text"] if diagnosis else "")
    status = 200 if diagnosis else 413 if form.too_large else 400

    context = {"form": form, "diagnosis": diagnosis, "errors": form.messages()}
    if request.headers.get("X-Requested-With") == "fetch":
        # The script swaps the fragment in whatever it says, errors included.
        return render(request, "web/_diagnosis.html", context)
    return render(request, "web/paste.html", context, status=status)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    """handler500: the error page; for the API, the problem answer DRF's handler would give.

    Tooling never gets HTML: an API call that fails outside a view's own handling (in
    a middleware, say) is a problem+json 500 too. Diagnose's direct answer hands a
    crash back to DRF, whose handler answers it.
    """
    if is_api_request(request):
        return problem_response(request, 500, SERVER_ERROR_DETAIL)
    return render(request, "500.html", status=500)


def bad_request(request, exception=None):
    """handler400: a body over the upload limit is a paste too large (413), said plainly."""
    if isinstance(exception, RequestDataTooBig):
        context = {"form": PasteForm(), "errors": [PasteForm.too_large_message()]}
        return render(request, "web/paste.html", context, status=413)
    return render(request, "400.html", status=400)
