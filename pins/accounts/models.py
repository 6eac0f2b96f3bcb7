from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone


class UserQuerySet(models.QuerySet):
    def with_email(self, email: str):
        return self.filter(email__iexact=email.strip())


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields):
        if not email:
            raise ValueError("A user needs an e-mail address")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """Someone who signs in. What they may see and do comes from their memberships, not from flags here."""

    email = models.EmailField("e-mail address", unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField("can use the Django admin", default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_case_insensitive"),
        ]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email


class StaffMembership(models.Model):
    """Programme staff in DfE, DHSC or NHS England: they read everything; admins also run the programme."""

    class Role(models.TextChoices):
        DFE_STAFF = "dfe_staff", "DfE programme staff"
        PROGRAMME_ADMIN = "programme_admin", "Programme admin"
        EVALUATOR = "evaluator", "Evaluator"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="staff_memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)
    granted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["user", "role"]
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="staff_role_once_per_user")]

    def __str__(self):
        return f"{self.user}: {self.get_role_display()}"


class InvitationQuerySet(models.QuerySet):
    def pending(self, *, now=None):
        now = timezone.now() if now is None else now
        return self.filter(accepted_at__isnull=True, withdrawn_at__isnull=True, expires_at__gt=now)


class Invitation(models.Model):
    """A single-use, expiring link that gives someone a role once they set a password (or sign in).
    Only a hash of the token is stored: the link itself exists only in the e-mail."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", "ICB coordinator"
        SENCO = "senco", "School SENCO"
        SPECIALIST = "specialist", "Specialist"
        FORUM_LEAD = "forum_lead", "Parent carer forum lead"

    email = models.EmailField("e-mail address")
    role = models.CharField(max_length=20, choices=Role.choices)
    icb = models.ForeignKey("icbs.ICB", verbose_name="ICB", on_delete=models.CASCADE, related_name="invitations")
    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, null=True, blank=True, related_name="invitations"
    )
    specialist = models.ForeignKey(
        "specialists.Specialist", on_delete=models.CASCADE, null=True, blank=True, related_name="invitations"
    )
    forum = models.ForeignKey(
        "icbs.ParentCarerForum", on_delete=models.CASCADE, null=True, blank=True, related_name="invitations"
    )
    # Empty until the e-mail is sent: the link is made by the sending step, never earlier.
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    expires_at = models.DateTimeField()
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role="senco", school__isnull=False, specialist__isnull=True)
                | models.Q(role="specialist", specialist__isnull=False, school__isnull=True)
                | models.Q(role="coordinator", school__isnull=True, specialist__isnull=True)
                | models.Q(role="forum_lead", forum__isnull=False, school__isnull=True, specialist__isnull=True),
                name="invitation_target_matches_role",
            ),
            models.CheckConstraint(
                condition=models.Q(accepted_at__isnull=True) | models.Q(withdrawn_at__isnull=True),
                name="invitation_not_both_accepted_and_withdrawn",
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()} invitation for {self.email}"

    @property
    def target(self) -> str:
        if self.school_id:
            return self.school.name
        if self.specialist_id:
            return f"{self.specialist.full_name} ({self.specialist.get_discipline_display()})"
        if self.forum_id:
            return self.forum.name
        return self.icb.short_name


class AccessEvent(models.Model):
    """Who gave or took away access to what, and when: every grant, removal and invitation is recorded."""

    class Action(models.TextChoices):
        INVITED = "invited", "Invited"
        INVITATION_WITHDRAWN = "invitation_withdrawn", "Withdrew the invitation"
        GRANTED = "granted", "Access granted"
        REMOVED = "removed", "Access removed"

    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    action = models.CharField(max_length=30, choices=Action.choices)
    role = models.CharField(max_length=20, choices=Invitation.Role.choices + StaffMembership.Role.choices)
    email = models.EmailField("e-mail address of the person concerned")
    icb = models.ForeignKey(
        "icbs.ICB", verbose_name="ICB", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    specialist = models.ForeignKey(
        "specialists.Specialist", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["icb", "-at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}: {self.email} ({self.get_role_display()})"


class DownloadRecord(models.Model):
    """Who downloaded what, and when: every export and download of programme data, kept so that the programme
    can account for where personal data went (UK GDPR Article 5(2)); listed for the programme admin."""

    at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    path = models.CharField("address", max_length=500)
    filename = models.CharField(max_length=200)
    personal = models.BooleanField("with personal data", default=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["-at"], name="download_record_newest_first")]

    def __str__(self):
        return f"{self.filename} by {self.user or 'a removed user'} at {self.at:%Y-%m-%d %H:%M}"


class FreeTextReview(models.Model):
    """The programme admin's decision on one piece of free text (a visit's outcome notes, a meeting's notes, ...)
    before it may go to the evaluation: released as written, released with names and details taken out, or kept
    out. It holds the digest of the text it decided on, not the text: if the text is changed afterwards, the
    decision no longer matches it and the text is back in the queue (docs/adr/0021)."""

    class Decision(models.TextChoices):
        APPROVED = "approved", "Approved as written"
        REDACTED = "redacted", "Approved with redaction"
        KEPT_OUT = "kept_out", "Kept out"

    kind = models.CharField(max_length=40)  # a key of pins.reporting.reviews.REVIEWABLE, such as "outcome-notes"
    object_id = models.BigIntegerField()
    text_digest = models.CharField(max_length=32)  # PostgreSQL's md5() of the text as reviewed
    decision = models.CharField(max_length=10, choices=Decision.choices)
    released_text = models.TextField(blank=True)  # what evaluators get; empty when kept out
    about_date = models.DateField()  # the date the text is about, for the retention job
    reviewed_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    reviewed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="free_text_review_once"),
            models.CheckConstraint(
                condition=models.Q(decision="kept_out", released_text="")
                | (~models.Q(decision="kept_out") & ~models.Q(released_text="")),
                name="free_text_review_released_unless_kept_out",
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.object_id}: {self.get_decision_display()}"
