from django import forms
from django.conf import settings

from errorkb.catalogue.snapshot import engine_catalogue


def provider_choices() -> list[tuple[str, str]]:
    # From the in-memory catalogue, so the paste page works while the database is away.
    return [("", "Detect it"), *engine_catalogue().provider_names.items()]


class PasteForm(forms.Form):
    """What the paste page diagnoses. The body is never stored or logged."""

    # The template (web/_paste_form.html) renders the widgets itself.
    body = forms.CharField(
        label="Paste an error",
        strip=False,
        error_messages={"required": "Paste something to diagnose: a response body, a log line or a code."},
    )
    provider = forms.ChoiceField(
        label="Provider",
        choices=provider_choices,
        required=False,
        error_messages={"invalid_choice": "ErrorKB knows no provider “%(value)s”; pick one from the list."},
    )
    http_status = forms.IntegerField(
        label="HTTP status",
        required=False,
        min_value=100,
        max_value=599,
        error_messages={
            "min_value": "An HTTP status is between 100 and 599.",
            "max_value": "An HTTP status is between 100 and 599.",
            "invalid": "An HTTP status is a number between 100 and 599.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = provider_choices()

    @property
    def provider_names(self) -> dict[str, str]:
        return {slug: name for slug, name in self.fields["provider"].choices if slug}

    @staticmethod
    def too_large_message() -> str:
        return (
            f"The paste is larger than {settings.ERRORKB_MAX_PASTE_BYTES:,} bytes. "
            "Paste the part around the error."
        )

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        if len(body.encode("utf-8", errors="replace")) > settings.ERRORKB_MAX_PASTE_BYTES:
            raise forms.ValidationError(self.too_large_message(), code="too_large")
        return body

    @property
    def too_large(self) -> bool:
        return self.has_error("body", "too_large")

    def messages(self) -> list[str]:
        return [message for errors in self.errors.values() for message in errors]

    def show_body(self, text: str) -> None:
        """Render the textarea with `text` instead of what was submitted.

        The submitted paste may hold a secret: the page shows it back only as the
        engine redacted it, or not at all. Validation results are kept.
        """
        self.is_valid()  # validate first, on the submitted data
        self.data = self.data.copy()
        self.data["body"] = text
