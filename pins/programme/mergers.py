"""ICB mergers: an operation across the apps, so it lives above them."""

import datetime
import re

from django.db import transaction
from django.utils import timezone

from icbs.models import ICB
from icbs.services import icb_succeed
from pins.kernel.errors import RuleBroken
from schools.services import schools_transfer_to_successor
from specialists.services import specialists_transfer_to_successor


@transaction.atomic
def icbs_merge(
    *,
    predecessor_codes: list[str],
    successor_code: str,
    successor_name: str,
    effective_on: datetime.date,
    successor_ons_code: str = "",
) -> ICB:
    """Create the successor ICB from the merger date and move to it the predecessors' current schools,
    specialists, local authorities, coordinators and the enrolments of programme years still running.
    What the predecessors delivered before stays with them."""
    codes = sorted({code.strip().upper() for code in predecessor_codes})
    if not re.fullmatch(r"[A-Z0-9]{3}", successor_code):
        raise RuleBroken(f"The successor's ODS code must be 3 letters or digits, like QWO, not {successor_code!r}")
    if successor_ons_code and not re.fullmatch(r"E54[0-9]{6}", successor_ons_code):
        raise RuleBroken(f"The successor's ONS code must look like E54000054, not {successor_ons_code!r}")
    if not successor_name.strip():
        raise RuleBroken("Give the successor ICB's official name")
    if len(codes) < 2:
        raise RuleBroken("A merger needs at least two ICBs to merge")
    if effective_on > timezone.localdate():
        raise RuleBroken(f"A merger takes effect on its date: run it on or after {effective_on:%-d %B %Y}, not before")
    predecessors = list(ICB.objects.select_for_update().filter(ods_code__in=codes).order_by("ods_code"))
    if missing := sorted(set(codes) - {icb.ods_code for icb in predecessors}):
        raise RuleBroken(f"No ICB has the ODS code {', '.join(missing)}")
    if ended := [icb.ods_code for icb in predecessors if not icb.is_current(effective_on)]:
        raise RuleBroken(f"{', '.join(ended)} did not exist on {effective_on:%-d %B %Y}: it has already ended")
    if early := [icb.ods_code for icb in predecessors if icb.started_on >= effective_on]:
        raise RuleBroken(f"{', '.join(early)} started on or after {effective_on:%-d %B %Y}")
    if ICB.objects.filter(ods_code=successor_code).exists():
        raise RuleBroken(f"An ICB with the ODS code {successor_code} already exists")
    if successor_ons_code and ICB.objects.filter(ons_code=successor_ons_code).exists():
        raise RuleBroken(f"An ICB with the ONS code {successor_ons_code} already exists")
    regions = {icb.region_id for icb in predecessors}
    if len(regions) != 1:
        raise RuleBroken("The ICBs to merge are in different NHS England regions")

    successor = ICB.objects.create(
        ods_code=successor_code,
        ons_code=successor_ons_code,
        name=successor_name.strip(),
        region_id=regions.pop(),
        started_on=effective_on,
    )
    schools_transfer_to_successor(predecessors=predecessors, successor=successor, effective_on=effective_on)
    specialists_transfer_to_successor(predecessors=predecessors, successor=successor, effective_on=effective_on)
    icb_succeed(predecessors=predecessors, successor=successor, effective_on=effective_on)
    return successor
