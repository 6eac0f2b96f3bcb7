from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_http_methods

from pins.accounts.authorization import Permission, icb_for
from pins.kernel.uploads import upload_page
from specialists.imports import MOST_ROWS_UPLOADED, specialists_import


@login_required
@require_http_methods(["GET", "POST"])
def upload_specialists(request, ods_code):
    icb = icb_for(request, ods_code)
    request.access.require(Permission.MANAGE_ICB_SPECIALISTS, icb=icb)
    return upload_page(
        request,
        icb=icb,
        run=lambda data, dry_run: specialists_import(data=data, icb=icb, dry_run=dry_run, most_rows=MOST_ROWS_UPLOADED),
        kind="specialists",
        most_rows=MOST_ROWS_UPLOADED,
        template="specialists/uploads/specialists.html",
    )
