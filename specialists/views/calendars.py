"""Calendar subscriptions: the secret feed itself, the pages where a SENCO or a specialist gets its address, and
the page where an ICB's coordinators see which addresses work and stop any of them."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from pins.accounts.authorization import Permission, icb_for, school_for, specialist_for
from specialists.calendars import visits_calendar
from specialists.selectors import (
    calendar_feed_for_token,
    calendar_feed_visits,
    calendar_feed_working,
    icb_calendar_feeds,
)
from specialists.services import calendar_feed_create, calendar_feed_revoke

FEEDS_PER_PAGE = 50

# A feed carries last year's visits too, so a calendar keeps recent history.
FEED_LOOKS_BACK = datetime.timedelta(days=400)


@require_GET
def feed(request, token):
    """The iCalendar feed behind a secret address: two queries, and only that school's or specialist's visits."""
    subscription = calendar_feed_for_token(token)
    if subscription is None:
        raise Http404("No such calendar")
    owner = subscription.school.name if subscription.school_id else subscription.specialist.full_name
    visits = calendar_feed_visits(subscription, since=timezone.localdate() - FEED_LOOKS_BACK)
    body = visits_calendar(name=f"{owner}: PINS visits", visits=list(visits), for_school=bool(subscription.school_id))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="pins-visits.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response


def _subscription_page(request, *, owner, back, school=None, specialist=None):
    token = None
    if request.method == "POST":
        if request.POST.get("action") == "stop":
            calendar_feed_revoke(school=school, specialist=specialist, by=request.user)
        else:
            token = calendar_feed_create(school=school, specialist=specialist, by=request.user)
    current = calendar_feed_working(school=school, specialist=specialist)
    return render(
        request,
        "specialists/calendars/subscription.html",
        {
            "owner": owner,
            "back": back,
            "current": current,
            "address": request.build_absolute_uri(reverse("calendars:feed", args=[token])) if token else None,
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
    specialist = specialist_for(request, specialist_id)
    request.access.require(Permission.VIEW_OWN_SCHEDULE, specialist=specialist)
    return _subscription_page(
        request,
        owner=specialist.full_name,
        back=reverse("specialists:schedule", args=[specialist.pk]),
        specialist=specialist,
    )


@login_required
@require_GET
def icb_calendars(request, ods_code):
    """Every calendar address working now for the ICB's schools and specialists: who made it and when."""
    icb = icb_for(request, ods_code)
    request.access.require(Permission.VIEW_ICB, icb=icb)
    page = Paginator(icb_calendar_feeds(icb=icb), FEEDS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "specialists/calendars/icb_feeds.html",
        {"icb": icb, "page": page, "can_stop": request.access.can(Permission.MANAGE_ICB_ACCESS, icb=icb)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def stop_calendar_feed(request, ods_code, feed_id):
    """Asks first ("Are you sure?"), then stops the calendar address on the confirming POST."""
    icb = icb_for(request, ods_code)
    subscription = get_object_or_404(icb_calendar_feeds(icb=icb), pk=feed_id)
    request.access.require(Permission.MANAGE_ICB_ACCESS, icb=icb)
    if request.method == "GET":
        return render(request, "specialists/calendars/stop.html", {"icb": icb, "subscription": subscription})
    calendar_feed_revoke(school=subscription.school, specialist=subscription.specialist, by=request.user)
    owner = subscription.school.name if subscription.school_id else subscription.specialist.full_name
    messages.success(request, f"{owner}'s calendar address no longer works")
    return redirect("calendars:icb", icb.ods_code)
