import csv
import dataclasses
import datetime
from pathlib import Path

from django.db import transaction

from icbs.models import ICB, CoordinatorMembership, LocalAuthority, Region

DATA = Path(__file__).resolve().parent / "data"

# NHS England's region codes; the reference file names regions only.
REGION_CODES = {
    "London": "Y56",
    "South West": "Y58",
    "South East": "Y59",
    "Midlands": "Y60",
    "East of England": "Y61",
    "North West": "Y62",
    "North East and Yorkshire": "Y63",
}
# The 42 ICBs were established on 1 July 2022.
ICBS_ESTABLISHED_ON = datetime.date(2022, 7, 1)


@dataclasses.dataclass
class LoadCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _upsert(model, lookup: dict, values: dict, counts: LoadCounts, *, on_create: dict | None = None):
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        counts.created += 1
        return model.objects.create(**lookup, **values, **(on_create or {}))
    changed = {field: value for field, value in values.items() if getattr(instance, field) != value}
    if changed:
        for field, value in changed.items():
            setattr(instance, field, value)
        instance.save(update_fields=list(changed))
        counts.updated += 1
    else:
        counts.unchanged += 1
    return instance


@transaction.atomic
def reference_data_load() -> dict[str, LoadCounts]:
    """Load the regions, the 42 ICBs and the 153 local authorities. Safe to run again: it changes only what
    differs from the files, and never undoes a merger (an ended ICB keeps its end date and successor)."""
    counts = {"regions": LoadCounts(), "icbs": LoadCounts(), "local authorities": LoadCounts()}
    with (DATA / "icbs.csv").open(encoding="utf-8", newline="") as file:
        icb_rows = list(csv.DictReader(file))
    regions = {
        name: _upsert(Region, {"name": name}, {"code": REGION_CODES[name]}, counts["regions"])
        for name in sorted({row["region"] for row in icb_rows})
    }
    icbs = {}
    for row in icb_rows:
        icbs[row["ods_code"]] = _upsert(
            ICB,
            {"ods_code": row["ods_code"]},
            {"ons_code": row["ons_code"], "name": row["name"], "region": regions[row["region"]]},
            counts["icbs"],
            on_create={"started_on": ICBS_ESTABLISHED_ON},
        )
    with (DATA / "local_authorities.csv").open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            icb = icbs[row["icb_ods_code"]] if row["icb_ods_code"] else None
            # After a merger an authority follows its ICB's successor; the file still names the old ICB.
            while icb is not None and icb.successor_id is not None:
                icb = icb.successor
            _upsert(
                LocalAuthority,
                {"dfe_code": row["dfe_la_code"]},
                {"ons_code": row["ons_code"], "name": row["name"], "icb": icb, "note": row["note"]},
                counts["local authorities"],
            )
    return counts


def icb_succeed(*, predecessors: list[ICB], successor: ICB, effective_on: datetime.date) -> None:
    """End the predecessors on the merger date, naming the successor, and move to it the local authorities
    and coordinators they had. Part of a merger (pins.programme.mergers.icbs_merge), inside its transaction."""
    ids = [icb.pk for icb in predecessors]
    ICB.objects.filter(pk__in=ids).update(ended_on=effective_on, successor=successor)
    LocalAuthority.objects.filter(icb_id__in=ids).update(icb=successor)
    # A coordinator of two merging ICBs keeps one membership of the successor.
    for membership in CoordinatorMembership.objects.filter(icb_id__in=ids).order_by("pk"):
        if CoordinatorMembership.objects.filter(user_id=membership.user_id, icb=successor).exists():
            membership.delete()
        else:
            membership.icb = successor
            membership.save(update_fields=["icb"])
