"""A CSV file uploaded to a console page: read once, kept in a hidden field between the preview and the import."""

from django import forms

MAX_BYTES = 2 * 1024 * 1024


class CsvUploadForm(forms.Form):
    file = forms.FileField(required=False, help_text="UTF-8 CSV with a header row, up to 2 MB.")
    csv_text = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload is not None:
            if upload.size > MAX_BYTES:
                raise forms.ValidationError("The file is larger than 2 MB: split it.")
            try:
                data["csv_text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError("The file is not UTF-8 text.") from None
        if not data.get("csv_text"):
            raise forms.ValidationError("Choose a CSV file.")
        return data
