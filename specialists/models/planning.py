"""The weights "Suggest visits" gives each of its aims: one row the programme admin edits, or the defaults."""

from django.db import models
from django.db.models import Q

from pins.kernel.history import audited


# Who changed a weight, and when: a changed weight changes every ICB's plan.
@audited()
class PlannerWeights(models.Model):
    """What the optimiser weighs (specialists/optimiser.py, docs/adr/0022), each in points of its score:
    coverage dominates, then requests, then travel, terms and workloads. Each field's help says why."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    half_day_planned = models.IntegerField(
        default=1000,
        help_text="Per half-day planned: a half-day of support a school is owed outweighs everything else together.",
    )
    half_day_requested = models.IntegerField(
        default=50, help_text="Per half-day in a discipline the school asked for in its start self-assessment."
    )
    requested_discipline_new = models.IntegerField(
        default=60,
        help_text="Once per requested discipline the school has not had yet: a request met, not more of one.",
    )
    discipline_new = models.IntegerField(
        default=10,
        help_text="Once per discipline new to the school: breadth, as a tie-breaker (at 60 it trades requests for "
        "breadth).",
    )
    per_km_per_visit = models.IntegerField(
        "per km per visit",
        default=1,
        help_text="Taken off per kilometre (straight line from the specialist's base to the school) per visit: "
        "travel is time lost.",
    )
    per_visit = models.IntegerField(
        default=30, help_text="Taken off per visit: fewer, fuller days are easier for a school to release staff for."
    )
    term_with_visit = models.IntegerField(
        default=30, help_text="Once per term a school has a visit in: visits spread across the year are easiest."
    )
    visit_above_term_share = models.IntegerField(
        default=10,
        help_text="Taken off per visit above a term's share of the school days left, across the ICB: no pile-up "
        "before Christmas.",
    )
    utilisation_point_from_mean = models.IntegerField(
        default=2,
        help_text="Taken off per percentage point of a specialist's utilisation away from the ICB's mean: even "
        "workloads.",
    )

    class Meta:
        verbose_name = "planner weights"
        verbose_name_plural = "planner weights"
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="planner_weights_one_row"),
            models.CheckConstraint(condition=Q(half_day_planned__gt=0), name="planner_weights_coverage_counts"),
        ]

    def __str__(self):
        return "Planner weights"

    @classmethod
    def configured(cls) -> "PlannerWeights":
        """The programme admin's weights, or the defaults (unsaved) until they set any."""
        return cls.objects.filter(pk=1).first() or cls()
