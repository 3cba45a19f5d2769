import django_filters

from errorkb.catalogue.models import ErrorEntry


class ErrorEntryFilter(django_filters.FilterSet):
    provider = django_filters.CharFilter(field_name="provider__slug", help_text="Provider slug.")
    category = django_filters.CharFilter(field_name="category__slug", help_text="Category slug.")
    http_status = django_filters.NumberFilter(field_name="http_status")
    kind = django_filters.ChoiceFilter(choices=ErrorEntry.Kind.choices)
    retryable = django_filters.BooleanFilter(method="filter_retryable")
    q = django_filters.CharFilter(method="filter_q", help_text="A code, code prefix, HTTP status, or words.")

    class Meta:
        model = ErrorEntry
        fields = ["provider", "category", "http_status", "kind", "retryable", "q"]

    def filter_retryable(self, queryset, name, value):
        return queryset.retryable(value)

    def filter_q(self, queryset, name, value):
        return queryset.search(value)
