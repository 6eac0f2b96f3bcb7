from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from pins.accounts.authorization import Permission


@login_required
@require_GET
def home(request):
    """Where each role starts: a person with several roles chooses where to go."""
    access = request.access
    context = {
        "icbs": access.icbs().filter(pk__in=access.coordinated_icb_ids).select_related("region"),
        "schools": access.schools().filter(pk__in=access.senco_school_urns).select_related("icb"),
        "specialist": access.specialist,
        "reads_everything": access.reads_everything,
        "manages_programme": access.can(Permission.MANAGE_PROGRAMME),
        "has_any_role": access.has_any_role,
    }
    return render(request, "pins/home.html", context)


@require_GET
def accessibility_statement(request):
    return render(request, "pins/accessibility.html")


@require_GET
def privacy_notice(request):
    return render(request, "pins/privacy.html")


@require_GET
def cookies(request):
    return render(request, "pins/cookies.html")


@login_required
@require_GET
def email_address(request):
    """allauth's page for adding e-mail addresses, replaced: an address is how someone was invited, so it
    changes only through a new invitation, never unverified by the account holder."""
    return render(request, "pins/email_address.html")
