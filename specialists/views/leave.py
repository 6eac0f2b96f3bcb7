"""A specialist's leave: recorded by the specialist (or their coordinator), refused on days with visits booked."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from pins.accounts.authorization import Permission, specialist_for
from pins.kernel.errors import RuleBroken
from pins.kernel.forms import show_rule_broken
from specialists.forms import LeaveForm
from specialists.rules import long_date
from specialists.services import unavailability_record


@login_required
@require_http_methods(["GET", "POST"])
def specialist_leave(request, specialist_id):
    specialist = specialist_for(request, specialist_id)
    request.access.require(Permission.RECORD_LEAVE, specialist=specialist)
    form = LeaveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            leave = unavailability_record(
                specialist=specialist,
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                reason=data["reason"],
                by=request.user,
            )
        except RuleBroken as error:
            show_rule_broken(form, error)
        else:
            when = (
                long_date(leave.starts_on)
                if leave.starts_on == leave.ends_on
                else f"{long_date(leave.starts_on)} to {long_date(leave.ends_on)}"
            )
            messages.success(request, f"Leave recorded: no visit will be booked for you on {when}")
            return redirect("specialists:leave", specialist.pk)
    upcoming = specialist.unavailabilities.filter(ends_on__gte=timezone.localdate()).order_by("starts_on")[:50]
    return render(
        request,
        "specialists/leave.html",
        {
            "specialist": specialist,
            "form": form,
            "upcoming": upcoming,
            "is_self": request.access.specialist_id == specialist.pk,
        },
    )
