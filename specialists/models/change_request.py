"""A school asking its ICB to change a visit."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from specialists.models.visit import Visit


class ChangeRequest(models.Model):
    """A school asking its ICB to move or rethink a visit, or the specialist declining it, with the reason."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="change_requests")
    reason = models.TextField()
    # The visit's specialist declined it (rather than the school asking for a change): the coordinator finds
    # someone else or another date.
    from_specialist = models.BooleanField(default=False)
    requested_at = models.DateTimeField(auto_now_add=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["requested_at"]
        constraints = [
            # A visit has at most one request waiting for an answer.
            models.UniqueConstraint(
                fields=["visit"], condition=Q(resolved_at__isnull=True), name="one_open_change_request"
            ),
        ]

    def __str__(self):
        return f"Change asked for {self.visit}"
