"""A CSV file uploaded to a console page: read once, kept in a hidden field between the preview and the import.

One size rule for both steps. The preview uploads a file (Django does not count files against
DATA_UPLOAD_MAX_MEMORY_SIZE); the import posts the file's text back in a form field, which Django does
count, and a browser sends its line ends as CRLF. A file is accepted at the preview only if its text,
posted back that way, fits under that setting with room for the form's other fields, so a file the
preview accepts is never refused by the import.
"""

from django import forms
from django.conf import settings

OTHER_FIELDS_ROOM = 16 * 1024  # the CSRF token, the action, a survey id: a few hundred bytes in practice
UNCAPPED_MAX_BYTES = 2 * 1024 * 1024  # when the setting is None (no cap on form fields)


def max_csv_bytes() -> int:
    """The largest CSV text (as posted back, CRLF line ends, UTF-8) a preview and its import accept."""
    cap = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return UNCAPPED_MAX_BYTES if cap is None else cap - OTHER_FIELDS_ROOM


def posted_size(text: str) -> int:
    """Bytes of ``text`` in a form field as a browser posts it (line ends normalised to CRLF)."""
    return len(text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8"))


def too_large_message() -> str:
    return f"The file is larger than {max_csv_bytes() // 1024:,} KB, the limit of an import: split it."


class CsvUploadForm(forms.Form):
    file = forms.FileField(required=False)
    csv_text = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = f"UTF-8 CSV with a header row, up to {max_csv_bytes() // 1024:,} KB."

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload is not None:
            if upload.size > max_csv_bytes() * 2:  # not worth reading: over the limit whatever its line ends
                raise forms.ValidationError(too_large_message())
            try:
                data["csv_text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError("The file is not UTF-8 text.") from None
        if not data.get("csv_text"):
            raise forms.ValidationError("Choose a CSV file.")
        if posted_size(data["csv_text"]) > max_csv_bytes():
            raise forms.ValidationError(too_large_message())
        return data
