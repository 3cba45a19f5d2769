from django.db.models import Count
from django.shortcuts import get_object_or_404, render

from errorkb.catalogue.models import ErrorEntry, Provider


def home(request):
    providers = Provider.objects.annotate(entry_count=Count("entries")).prefetch_related("categories")
    return render(request, "web/home.html", {"providers": providers})


def provider_detail(request, provider):
    provider = get_object_or_404(Provider, slug=provider)
    return render(request, "web/provider.html", {"provider": provider, "entries": provider.entries.for_display()})


def error_detail(request, provider, code):
    entry = get_object_or_404(ErrorEntry.objects.for_display(), provider__slug=provider, code=code)
    return render(request, "web/error.html", {"entry": entry})


def search(request):
    query = request.GET.get("q", "")
    return render(request, "web/search.html", {"query": query, "results": ErrorEntry.objects.search(query)[:50]})


def paste(request):
    return render(request, "web/paste.html", {})


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
