import datetime

from django.utils import timezone

from schools.models import ProgrammeYear


def programme_year_for(*, label: str | None = None, today: datetime.date | None = None) -> ProgrammeYear | None:
    """The programme year with this label; without one, the year containing today, else the latest."""
    if label:
        return ProgrammeYear.objects.filter(label=label).first()
    today = today or timezone.localdate()
    return (
        ProgrammeYear.objects.filter(starts_on__lte=today, ends_on__gte=today).first()
        or ProgrammeYear.objects.order_by("-starts_on").first()
    )
