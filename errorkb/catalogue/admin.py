from django.contrib import admin

from .models import Category, ErrorEntry, Provider


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "base_url", "updated_at"]
    search_fields = ["name", "slug"]
    readonly_fields = ["updated_at"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "provider", "range_label", "order"]
    list_filter = ["provider"]
    search_fields = ["name", "description"]
    readonly_fields = ["updated_at"]


@admin.register(ErrorEntry)
class ErrorEntryAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "provider", "category", "http_status", "http_status_basis", "retry_strategy"]
    list_filter = ["provider", "category", "kind", "http_status", "http_status_basis", "retry_strategy"]
    search_fields = ["code", "title", "message", "description"]
    list_select_related = ["provider", "category"]
    filter_horizontal = ["related"]
    readonly_fields = ["updated_at"]
    fieldsets = [
        (None, {"fields": ["provider", "code", "kind", "title", "message", "match_forms", "category"]}),
        ("HTTP", {"fields": ["http_status", "http_status_basis"]}),
        ("What it means", {"fields": ["description", "causes", "remedy", "retry_strategy", "retry_note"]}),
        ("Reference", {"fields": ["example", "related", "source_document", "source_section", "notes", "updated_at"]}),
    ]
