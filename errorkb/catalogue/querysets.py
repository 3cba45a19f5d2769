from __future__ import annotations

import re

from django.db import models
from django.db.models import Case, IntegerField, Q, Value, When


class ErrorEntryQuerySet(models.QuerySet):
    def for_display(self) -> ErrorEntryQuerySet:
        """What pages and the API show: the entry with its provider and category."""
        return self.select_related("provider", "category")

    def retryable(self, value: bool = True) -> ErrorEntryQuerySet:
        from .models import RETRYABLE_STRATEGIES

        condition = Q(retry_strategy__in=RETRYABLE_STRATEGIES)
        return self.filter(condition) if value else self.exclude(condition)

    def search(self, query: str) -> ErrorEntryQuerySet:
        """Entries matching a code, a code prefix, an HTTP status, or words of the text.

        Ranked: exact code, then HTTP status, then code prefix, then title, message
        and description matches; every word of the query must appear somewhere.
        """
        query = " ".join(query.split())
        if not query:
            return self.none()
        words = re.findall(r"\w+", query.lower())
        if not words:
            return self.none()
        text = Q()
        for word in words:
            text &= (
                Q(code__icontains=word)
                | Q(title__icontains=word)
                | Q(message__icontains=word)
                | Q(description__icontains=word)
            )
        condition = Q(code__iexact=query) | text
        is_number = query.isdigit() and len(query) <= 5
        if is_number:
            condition |= Q(code__startswith=query) | Q(http_status=int(query))
        rank_cases = [When(code__iexact=query, then=Value(0))]
        if is_number:
            rank_cases += [
                When(http_status=int(query), then=Value(1)),
                When(code__startswith=query, then=Value(2)),
            ]
        rank_cases += [
            When(title__icontains=query, then=Value(3)),
            When(message__icontains=query, then=Value(4)),
        ]
        return (
            self.filter(condition)
            .annotate(rank=Case(*rank_cases, default=Value(5), output_field=IntegerField()))
            .order_by("rank", "provider__order", "code")
        )
