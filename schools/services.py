import datetime

from icbs.models import ICB
from schools.models import Enrolment, School


def schools_transfer_to_successor(
    *, predecessors: list[ICB], successor: ICB, effective_on: datetime.date
) -> None:
    """Move the predecessors' schools to the successor ICB, and the enrolments of programme years still
    running on the merger date. Enrolments of years that ended before it stay with the ICB that delivered
    them. Part of a merger (pins.mergers.icbs_merge), inside its transaction."""
    ids = [icb.pk for icb in predecessors]
    School.objects.filter(icb_id__in=ids).update(icb=successor)
    Enrolment.objects.filter(icb_id__in=ids, programme_year__ends_on__gte=effective_on).update(icb=successor)
