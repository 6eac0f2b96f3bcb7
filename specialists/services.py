import datetime

from icbs.models import ICB
from specialists.models import Specialist


def specialists_transfer_to_successor(
    *, predecessors: list[ICB], successor: ICB, effective_on: datetime.date
) -> None:
    """Move the predecessors' specialists to the successor ICB. Part of a merger (pins.mergers.icbs_merge)."""
    Specialist.objects.filter(icb__in=predecessors).update(icb=successor)
