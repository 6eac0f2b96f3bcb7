"""Reminders, each claimed once before it is sent."""

from django.db import models
from django.utils import timezone


class Reminder(models.Model):
    """A reminder claimed before it is sent, so that a second sweep, a retry or a second worker sends nothing
    twice; `sent_at` stays empty until the mail server has taken it. `subject` names what it is about,
    including the visit's version, so a moved visit is reminded of again."""

    class Kind(models.TextChoices):
        VISIT_COMING_UP = "visit_coming_up", "Visit coming up"
        OUTCOME_OVERDUE = "outcome_overdue", "Outcome record overdue"
        WEEKLY_DIGEST = "weekly_digest", "Weekly digest for coordinators"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    subject = models.CharField(
        max_length=100, help_text="For example visit:123:v2:d7 (7 days before), visit:123:v2, or icb:QWO:2026-W48"
    )
    recipient = models.EmailField()
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-claimed_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "subject", "recipient"], name="reminder_sent_once"),
        ]
        indexes = [
            # A visit's page lists its reminders by their subject's prefix (visit:123:).
            models.Index(fields=["subject"], opclasses=["varchar_pattern_ops"], name="reminder_subject_prefix"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.recipient} ({self.subject})"
