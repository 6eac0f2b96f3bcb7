"""Open visits (proposed or confirmed) by ICB and day, kept as differences a trigger on visits writes, so national
progress counts the overdue ones (open, dated before today) from a few rows, not from the visits (ADR 0020)."""

import pgtrigger
from django.db import models

from icbs.models import ICB
from schools.models import ProgrammeYear

OPEN = "('proposed', 'confirmed')"  # Visit.OPEN_STATUSES, as SQL


def _open_visit_sql(row: str, visits: int) -> str:
    return f"""
        INSERT INTO specialists_openvisitschange (programme_year_id, icb_id, date, visits)
        SELECT programme_year_id, icb_id, {row}.date, {visits} FROM schools_enrolment WHERE id = {row}.enrolment_id;
    """


# What the trigger on visits writes: the old row taken away when it was open, the new one added when it is.
OPEN_VISITS_CHANGE_SQL = f"""
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status IN {OPEN} THEN
        {_open_visit_sql("OLD", -1)}
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.status IN {OPEN} THEN
        {_open_visit_sql("NEW", 1)}
    END IF;
    RETURN NULL;
"""

OPEN_VISITS_TRIGGERS = [
    pgtrigger.Trigger(
        name="open_visits_on_insert_or_delete",
        when=pgtrigger.After,
        operation=pgtrigger.Insert | pgtrigger.Delete,
        func=OPEN_VISITS_CHANGE_SQL,
    ),
    pgtrigger.Trigger(
        name="open_visits_on_update",
        when=pgtrigger.After,
        operation=pgtrigger.Update,
        condition=pgtrigger.AnyChange("status", "date", "enrolment"),
        func=OPEN_VISITS_CHANGE_SQL,
    ),
]


class OpenVisitsChange(models.Model):
    """A change to how many open visits an ICB has on a day of a programme year: one row for each visit that
    opens, closes or moves, written by a trigger whatever writes the visit, and folded into one row per ICB and
    day every few minutes (`open_visits_fold`). Writers only insert, so no booking waits on another."""

    programme_year = models.ForeignKey(ProgrammeYear, on_delete=models.CASCADE, related_name="+")
    icb = models.ForeignKey(ICB, verbose_name="ICB", on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    visits = models.IntegerField()

    class Meta:
        verbose_name = "change to open visits"
        indexes = [
            models.Index(fields=["programme_year", "date"], include=["icb", "visits"], name="open_visits_by_day")
        ]

    def __str__(self):
        return f"{self.icb}: {self.visits:+} open visits on {self.date}"
