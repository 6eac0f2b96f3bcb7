"""Calendar subscriptions: the secret feed itself, and the pages where a SENCO or a specialist gets its address."""

import datetime

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from pins.authorization import Permission
from schools.views import school_for
from specialists.calendars import visits_calendar
from specialists.models import CalendarFeed, Visit
from specialists.services import calendar_feed_create, calendar_feed_revoke, calendar_token_hash

# A feed carries last year's visits too, so a calendar keeps recent history.
FEED_LOOKS_BACK = datetime.timedelta(days=400)


@require_GET
def feed(request, token):
    """The iCalendar feed behind a secret address: two queries, and only that school's or specialist's visits."""
    subscription = (
        CalendarFeed.objects.select_related("school", "specialist")
        .filter(token_hash=calendar_token_hash(token), revoked_at__isnull=True)
        .first()
    )
    if subscription is None:
        raise Http404("No such calendar")
    visits = Visit.objects.filter(date__gte=timezone.localdate() - FEED_LOOKS_BACK).select_related(
        "enrolment__school", "specialist"
    )
    if subscription.school_id:
        visits = visits.filter(enrolment__school_id=subscription.school_id)
        name = f"{subscription.school.name}: PINS visits"
    else:
        visits = visits.filter(specialist_id=subscription.specialist_id)
        name = f"{subscription.specialist.full_name}: PINS visits"
    body = visits_calendar(
        name=name, visits=list(visits.order_by("date", "slot_start")), for_school=bool(subscription.school_id)
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="pins-visits.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


def _subscription_page(request, *, owner, back, school=None, specialist=None):
    token = None
    if request.method == "POST":
        if request.POST.get("action") == "stop":
            calendar_feed_revoke(school=school, specialist=specialist)
        else:
            token = calendar_feed_create(school=school, specialist=specialist, by=request.user)
    current = CalendarFeed.objects.filter(school=school, specialist=specialist, revoked_at__isnull=True).first()
    return render(
        request,
        "specialists/calendar_subscription.html",
        {
            "owner": owner,
            "back": back,
            "current": current,
            "address": request.build_absolute_uri(reverse("visits:feed", args=[token])) if token else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def school_calendar(request, urn):
    school = school_for(request, urn)
    request.access.require(Permission.MANAGE_SCHOOL_PROFILE, school=school)
    return _subscription_page(
        request, owner=school.name, back=reverse("schools:detail", args=[school.urn]), school=school
    )


@login_required
@require_http_methods(["GET", "POST"])
def specialist_calendar(request, specialist_id):
    specialist = get_object_or_404(request.access.specialists(), pk=specialist_id)
    request.access.require(Permission.VIEW_OWN_SCHEDULE, specialist=specialist)
    return _subscription_page(
        request,
        owner=specialist.full_name,
        back=reverse("visits:specialist", args=[specialist.pk]),
        specialist=specialist,
    )
