"""How the API's entry list is paged: Django's Paginator, asking for the count only when
the page itself did not tell it."""

from django.core.paginator import Paginator
from rest_framework.pagination import PageNumberPagination

from .serializers import entry_pages


class EntryPages:
    """What ErrorList's paginator pages: the filtered entries, each page read as values by
    entry_pages() and counted as the queryset counts them (a search's own count()).

    Django's Paginator takes any sliceable object with a count(). EntryPaginator reads
    the page asked for first (read()), which may tell the total, and then slices it.
    """

    def __init__(self, queryset, request) -> None:
        self.queryset = queryset
        self.request = request
        self.last_read: tuple[int, int, list[dict]] | None = None  # (start, stop, entries)

    def read(self, start: int, stop: int) -> int | None:
        """Read the entries [start:stop] for a slice to come; the total if that told it, else None.

        A page that comes back short is the last one, so it tells the total too (a
        first page, even empty): most searches fit in one page, and their count, a
        statement of its own, is never asked.
        """
        entries, total = entry_pages(self.queryset[start:stop], self.request)
        self.last_read = (start, stop, entries)
        if total is None and len(entries) < stop - start and (entries or start == 0):
            total = start + len(entries)
        return total

    def count(self) -> int:
        return self.queryset.count()

    def __getitem__(self, key: slice) -> list[dict]:
        # The Paginator cuts the last page's slice at the count: still the page read.
        if self.last_read is not None:
            start, stop, entries = self.last_read
            if key.start == start and key.stop <= stop:
                return entries[: key.stop - key.start]
        return entry_pages(self.queryset[key], self.request)[0]


class EntryPaginator(Paginator):
    """Django's Paginator over EntryPages, reading the page before counting the entries.

    The page tells the total when it is the last one (EntryPages.read()), and on
    PostgreSQL a search's page, which ranks every match to find itself, tells it in
    the same statement (page_values_with_total()); a separate count would visit every
    match again. Django still checks the number and words the errors (super().page()).
    """

    # The largest OFFSET the databases take (a signed 64-bit integer); a page past it is
    # only checked against the count, by Django, as before.
    MAX_OFFSET = 2**63 - 1

    def page(self, number):
        try:
            start = (int(str(number)) - 1) * self.per_page
        except ValueError:
            start = -1
        stop = start + self.per_page
        # With orphans (DRF passes none) a short page need not be the last: count first.
        if 0 <= start and stop <= self.MAX_OFFSET and not self.orphans and "count" not in self.__dict__:
            total = self.object_list.read(start, stop)
            if total is not None:
                self.count = total  # a cached_property: what count() would have answered
        return super().page(number)


class EntryPagination(PageNumberPagination):
    django_paginator_class = EntryPaginator
