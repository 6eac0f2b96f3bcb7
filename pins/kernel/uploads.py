"""The page that takes a CSV upload for an all-or-nothing import, shared by the schools and specialists pages."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render

from pins.kernel.csv_import import ImportReport

MOST_ERRORS_SHOWN = 200


class UploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        error_messages={"required": "Choose a CSV file", "empty": "The file is empty"},
    )
    dry_run = forms.BooleanField(label="Check the file without saving anything", required=False)

    MAX_BYTES = 20 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError("The file must be smaller than 20 MB")
        return upload


def upload_page(
    request, *, icb, run, kind: str, most_rows: int, template: str, done_url: str | None = None, context=None
):
    """Run the import on the uploaded file; show every bad row in the error summary, or the counts. After a
    saved import it goes to `done_url` (the ICB's page unless given); `context` adds to the page's."""
    form = UploadForm(request.POST or None, request.FILES or None)
    form.fields["file"].help_text = f"At most {most_rows:,} {kind} in one file, and smaller than 20 MB"
    report: ImportReport | None = None
    if request.method == "POST" and form.is_valid():
        report = run(form.cleaned_data["file"].read(), form.cleaned_data["dry_run"])
        if report.ok and not report.dry_run:
            messages.success(request, f"{kind.capitalize()} imported: {report.counts()}")
            return redirect(done_url) if done_url else redirect("icbs:detail", icb.ods_code)
        if not report.ok:
            form.add_error(
                "file", f"The file has {len(report.errors)} problem{'s' * (len(report.errors) != 1)}: nothing was saved"
            )
    return render(
        request,
        template,
        {
            "icb": icb,
            "form": form,
            "report": report,
            "row_errors": [str(error) for error in (report.errors[:MOST_ERRORS_SHOWN] if report else [])],
            "more_errors": max(0, len(report.errors) - MOST_ERRORS_SHOWN) if report else 0,
            **(context or {}),
        },
    )
