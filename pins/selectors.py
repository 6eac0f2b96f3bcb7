from icbs.models import ICB, CoordinatorMembership
from pins.models import AccessEvent, Invitation
from schools.models import SencoMembership
from specialists.models import Specialist

RECENT_EVENTS = 50


def icb_access_overview(icb: ICB) -> dict:
    """Everyone with access to an ICB's data, the invitations waiting, and the latest grants and removals. The
    long lists are in a total order, to be paged. A fixed handful of queries whatever the ICB's size."""
    return {
        "coordinators": CoordinatorMembership.objects.filter(icb=icb).select_related("user", "granted_by"),
        "sencos": SencoMembership.objects.filter(school__icb=icb)
        .select_related("user", "school", "granted_by")
        .order_by("school__name", "user__email", "pk"),
        "specialists": Specialist.objects.filter(icb=icb, user__isnull=False)
        .select_related("user")
        .order_by("full_name", "pk"),
        "invitations": Invitation.objects.pending()
        .filter(icb=icb)
        .select_related("school", "specialist", "created_by", "icb")
        .order_by("-created_at", "-pk"),
        "events": AccessEvent.objects.filter(icb=icb).select_related("actor", "school", "specialist")[:RECENT_EVENTS],
    }
