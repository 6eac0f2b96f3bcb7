"""Notices: one e-mail to one person about one change to a visit, written with the change and sent once."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from specialists.models.visit import Visit


class NoticeQuerySet(models.QuerySet):
    def unsent(self):
        return self.filter(sent_at__isnull=True)


class Notice(models.Model):
    """An e-mail telling a SENCO or a specialist that a visit was proposed, moved or cancelled, or that a school's
    change request was answered. It is written in the change's own transaction, with
    its subject and body, and sent after that commits: claimed first (`claimed_at`, pins.kernel.mail), so a retry,
    a second worker or the sweep that picks up a lost broker message sends nothing twice; `sent_at` stays empty
    until the mail server has taken it."""

    class Change(models.TextChoices):
        PROPOSED = "proposed", "Visit proposed"
        MOVED = "moved", "Visit moved"
        CANCELLED = "cancelled", "Visit cancelled"
        REQUEST_ANSWERED = "request_answered", "Change request answered"
        NOT_HELD = "not_held", "Visit did not take place"

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="notices")
    change = models.CharField(max_length=20, choices=Change.choices)
    # What it is about, unique with the recipient: `v3:moved`, or `request:12:answered`.
    key = models.CharField(max_length=60)
    recipient = models.EmailField()
    recipient_name = models.CharField(max_length=200, blank=True)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "key", "recipient"], name="notice_written_once"),
            models.CheckConstraint(
                condition=Q(sent_at__isnull=True) | Q(claimed_at__isnull=False), name="notice_sent_after_claim"
            ),
        ]
        indexes = [
            # The sweep's read: the few notices not sent yet.
            models.Index(fields=["created_at"], condition=Q(sent_at__isnull=True), name="notice_unsent"),
        ]

    def __str__(self):
        return f"{self.get_change_display()} to {self.recipient}"

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None
