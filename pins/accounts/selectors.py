import datetime

from icbs.models import ICB, CoordinatorMembership, ForumLeadMembership, ParentCarerForum
from pins.accounts.models import AccessEvent, DownloadRecord, Invitation
from pins.kernel.prepared import prepared_read
from schools.models import SencoMembership
from specialists.models import Specialist

RECENT_EVENTS = 50
FORUM_LEADS_SHOWN = 200  # a few forums per ICB, a lead or two each


def icb_coordinators(icb: ICB):
    return CoordinatorMembership.objects.filter(icb=icb).select_related("user", "icb", "granted_by")


def icb_sencos(icb: ICB):
    return SencoMembership.objects.filter(school__icb=icb).select_related("user", "school__icb", "granted_by")


def icb_pending_invitations(icb: ICB):
    return (
        Invitation.objects.pending()
        .filter(icb=icb)
        .select_related("icb", "school", "specialist", "forum", "created_by")
    )


def icb_forum_leads(icb: ICB | int):
    """The leads of the parent carer forums that work in an ICB."""
    return (
        ForumLeadMembership.objects.filter(forum__in=ParentCarerForum.objects.in_icb(icb))
        .select_related("user", "forum")
        .only("granted_at", "forum__name", "user__full_name", "user__email")
        .order_by("forum__name", "user__email", "pk")
    )


def icb_access_overview(icb: ICB, *, now: datetime.datetime) -> dict:
    """Everyone with access to an ICB's data, the invitations waiting, and the latest grants and removals. The
    long lists are in a total order, to be paged (bound reads: see pins.kernel.prepared). A fixed handful of
    queries whatever the ICB's size, their SQL built once per process."""
    return {
        "coordinators": _coordinators_listed(icb_id=icb.pk),
        "sencos": _sencos_listed.bound(icb_id=icb.pk),
        "specialists": _specialists_listed.bound(icb_id=icb.pk),
        "invitations": _invitations_listed.bound(icb_id=icb.pk, now=now),
        "events": _events_listed(icb_id=icb.pk),
    }


# Each list joins only what the page shows of it, and reads only the columns it shows: a user's password hash has
# no business on this page, and narrower rows are quicker to fetch and build.


@prepared_read
def _coordinators_listed(*, icb_id: int):
    return (
        CoordinatorMembership.objects.filter(icb_id=icb_id)
        .select_related("user")
        .only("granted_at", "icb_id", "user__full_name", "user__email")
    )


@prepared_read
def _sencos_listed(*, icb_id: int):
    return (
        SencoMembership.objects.filter(school__icb_id=icb_id)
        .select_related("user", "school")
        .only("school__name", "user__full_name", "user__email")
        .order_by("school__name", "user__email", "pk")
    )


@prepared_read
def _specialists_listed(*, icb_id: int):
    return (
        Specialist.objects.filter(icb_id=icb_id, user__isnull=False)
        .select_related("user")
        .only("full_name", "discipline", "user__email")
        .order_by("full_name", "pk")
    )


@prepared_read
def _invitations_listed(*, icb_id: int, now: datetime.datetime):
    return (
        Invitation.objects.pending(now=now)
        .filter(icb_id=icb_id)
        .select_related("icb", "school", "specialist", "forum")
        .only(
            "email",
            "role",
            "expires_at",
            "email_sent_at",
            "icb__name",
            "icb__ods_code",
            "school__name",
            "specialist__full_name",
            "specialist__discipline",
            "forum__name",
        )
        .order_by("-created_at", "-pk")
    )


@prepared_read
def _events_listed(*, icb_id: int):
    return (
        AccessEvent.objects.filter(icb_id=icb_id)
        .select_related("actor", "school", "specialist")
        .only("at", "action", "role", "email", "actor__email", "school__name", "specialist__full_name")[:RECENT_EVENTS]
    )


@prepared_read
def forum_leads_listed(*, icb_id: int):
    """The leads of the parent carer forums that work in an ICB, as people with access lists them."""
    return icb_forum_leads(icb_id)[:FORUM_LEADS_SHOWN]


def downloads_newest_first():
    return DownloadRecord.objects.select_related("user").order_by("-at", "-pk")
