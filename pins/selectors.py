from icbs.models import ICB, CoordinatorMembership
from pins.models import AccessEvent, Invitation
from schools.models import SencoMembership
from specialists.models import Specialist

RECENT_EVENTS = 50


def icb_access_overview(icb: ICB) -> dict:
    """Everyone with access to an ICB's data, the invitations waiting, and the latest grants and removals.
    A fixed handful of queries whatever the ICB's size."""
    return {
        "coordinators": CoordinatorMembership.objects.filter(icb=icb).select_related("user", "granted_by"),
        "sencos": SencoMembership.objects.filter(school__icb=icb)
        .select_related("user", "school", "granted_by")
        .order_by("school__name", "user__email"),
        "specialists": Specialist.objects.filter(icb=icb, user__isnull=False).select_related("user"),
        "invitations": Invitation.objects.pending()
        .filter(icb=icb)
        .select_related("school", "specialist", "created_by", "icb"),
        "events": AccessEvent.objects.filter(icb=icb).select_related("actor", "school", "specialist")[:RECENT_EVENTS],
    }
