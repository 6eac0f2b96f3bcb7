"""What happened at a delivered visit."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from pins.kernel.history import audited
from specialists.models.visit import Visit


class Activity(models.TextChoices):
    WHOLE_SCHOOL_TRAINING = "whole_school_training", "Whole-school training"
    CLASSROOM_OBSERVATION = "classroom_observation", "Classroom observation"
    STAFF_CONSULTATION = "staff_consultation", "Staff consultation"
    PARENT_CARER_SESSION = "parent_carer_session", "Parent and carer session"
    RESOURCES_OR_PLANS = "resources_or_plans", "Resources or plans produced"


@audited()
class Outcome(models.Model):
    """What happened at a delivered visit: the programme's monitoring data."""

    visit = models.OneToOneField(Visit, on_delete=models.CASCADE, related_name="outcome")
    activities = ArrayField(models.CharField(max_length=30, choices=Activity.choices))
    staff_reached = models.PositiveIntegerField("number of staff reached")
    notes = models.TextField(blank=True)
    recorded_at = models.DateTimeField(auto_now=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(activities__contained_by=Activity.values), name="outcome_activities_known"
            ),
            models.CheckConstraint(condition=Q(activities__len__gte=1), name="outcome_has_an_activity"),
        ]

    def __str__(self):
        return f"Outcome of {self.visit}"

    def get_activities_display(self) -> list[str]:
        labels = dict(Activity.choices)
        return [labels.get(activity, activity) for activity in self.activities]
