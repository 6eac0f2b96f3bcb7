"""Secret calendar addresses for a school's or a specialist's visits."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from specialists.models.specialist import Specialist


class CalendarFeed(models.Model):
    """A secret address for a school's or a specialist's visits as an iCalendar feed. Only a hash of the
    token is kept; a new address revokes the old one."""

    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, null=True, blank=True, related_name="calendar_feeds"
    )
    specialist = models.ForeignKey(
        Specialist, on_delete=models.CASCADE, null=True, blank=True, related_name="calendar_feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(school__isnull=False, specialist__isnull=True)
                | Q(school__isnull=True, specialist__isnull=False),
                name="calendar_feed_for_a_school_or_a_specialist",
            ),
            models.CheckConstraint(
                condition=Q(revoked_by__isnull=True) | Q(revoked_at__isnull=False),
                name="calendar_feed_revoked_by_only_when_revoked",
            ),
            models.UniqueConstraint(
                fields=["school"], condition=Q(revoked_at__isnull=True, school__isnull=False), name="one_school_feed"
            ),
            models.UniqueConstraint(
                fields=["specialist"],
                condition=Q(revoked_at__isnull=True, specialist__isnull=False),
                name="one_specialist_feed",
            ),
        ]

    def __str__(self):
        return f"Calendar feed for {self.school or self.specialist}"
