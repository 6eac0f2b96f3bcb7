"""Invitations in bulk: a CSV file of (email, role, school URN or specialist id) for one ICB, each row sent through
`invitation_send`'s claimed, retried path. All or nothing: any bad row and nothing is sent, every bad row reported.
People who already have the access, or an invitation waiting, are skipped and counted (issue 16)."""

import dataclasses

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from icbs.models import ICB
from pins.accounts.models import Invitation, User
from pins.accounts.services import _has_role_already, invitation_send
from pins.kernel.csv_import import CsvFile, ImportReport, RowError
from pins.kernel.errors import RuleBroken

MOST_ROWS = 1000
ROLES = {
    "coordinator": Invitation.Role.COORDINATOR,
    "senco": Invitation.Role.SENCO,
    "specialist": Invitation.Role.SPECIALIST,
}
ALREADY = "already had this access"
WAITING = "already had an invitation waiting"


@dataclasses.dataclass
class InvitationReport(ImportReport):
    """`created` invitations sent (or that would be); `skipped` people and why, by reason."""

    skipped: dict[str, int] = dataclasses.field(default_factory=dict)

    def counts(self) -> str:
        sent = f"{self.created} invitation{'s' * (self.created != 1)} {'to send' if self.dry_run else 'sent'}"
        if not self.skipped:
            return sent
        why = "; ".join(
            f"{count} {'people' if count != 1 else 'person'} {reason}" for reason, count in self.skipped.items()
        )
        return f"{sent}, {sum(self.skipped.values())} skipped ({why})"


class _Refused(Exception):
    """Rolls the whole file back when a row is refused as it is sent."""


def _skip_reason(*, email: str, role, icb: ICB, school, specialist) -> str | None:
    if role == Invitation.Role.SPECIALIST and specialist.user_id is not None:
        return ALREADY
    if _has_role_already(email=email, role=role, icb=icb, school=school, specialist=specialist):
        return ALREADY
    if (
        Invitation.objects.pending()
        .filter(email__iexact=email, role=role, icb=icb, school=school, specialist=specialist)
        .exists()
    ):
        return WAITING
    return None


def invitations_send_in_bulk(
    *, data: bytes, icb: ICB, by: User, may_invite_coordinators: bool, dry_run: bool = False, most_rows: int = MOST_ROWS
) -> InvitationReport:
    """Invite everyone the file names to the ICB: a coordinator (only if `by` may give that), the SENCO of one
    of its open schools, or one of its active specialists (their own address is used)."""
    report = InvitationReport(dry_run=dry_run)
    file = CsvFile(data, required=("email", "role"), optional=("school_urn", "specialist_id"), most_rows=most_rows)
    if file.errors:
        report.errors = file.errors
        return report
    schools = {str(school.urn): school for school in icb.schools.open()}
    specialists = {str(specialist.pk): specialist for specialist in icb.specialists.active()}
    to_send, seen = [], {}
    for line, row in file.rows():
        email, role_text = row["email"].lower(), row["role"].lower()
        role = ROLES.get(role_text)
        school = specialist = None
        problems = []
        if role is None:
            problems.append(f"role “{row['role']}” is not one of {', '.join(ROLES)}")
        elif role == Invitation.Role.COORDINATOR and not may_invite_coordinators:
            problems.append("you cannot invite coordinators")
        elif role == Invitation.Role.SENCO:
            school = schools.get(row["school_urn"])
            if school is None:
                problems.append(
                    f"school_urn “{row['school_urn']}” is not an open school of {icb.short_name} ICB"
                    if row["school_urn"]
                    else "a SENCO needs the school_urn of their school"
                )
        elif role == Invitation.Role.SPECIALIST:
            specialist = specialists.get(row["specialist_id"])
            if specialist is None:
                problems.append(
                    f"specialist_id “{row['specialist_id']}” is not an active specialist of {icb.short_name} ICB"
                    if row["specialist_id"]
                    else "a specialist needs their specialist_id"
                )
            else:
                if email and email != specialist.email.lower():
                    problems.append(f"{specialist.full_name}'s e-mail address is not {email}: leave email empty")
                email = specialist.email.lower()
        if not email and not (role == Invitation.Role.SPECIALIST and specialist is None):
            problems.append("email is empty")
        elif email:
            try:
                validate_email(email)
            except ValidationError:
                problems.append(f"email “{row['email']}” is not an e-mail address")
        key = (email, role, school, specialist)
        if not problems and key in seen:
            problems.append(f"the same invitation is already on line {seen[key]}")
        seen.setdefault(key, line)
        if problems:
            report.errors += [RowError(line, problem) for problem in problems]
            continue
        reason = _skip_reason(email=email, role=role, icb=icb, school=school, specialist=specialist)
        if reason:
            report.skipped[reason] = report.skipped.get(reason, 0) + 1
            continue
        to_send.append((line, {"email": email, "role": role, "school": school, "specialist": specialist}))
    report.errors += [error for error in file.errors if error not in report.errors]
    report.errors.sort(key=lambda error: error.line)
    if report.errors:
        report.skipped = {}
        return report
    report.created = len(to_send)
    if dry_run:
        return report
    try:
        with transaction.atomic():
            for line, invitation in to_send:
                try:
                    invitation_send(icb=icb, by=by, **invitation)
                except RuleBroken as error:
                    report.errors.append(RowError(line, error.message))
            if report.errors:
                raise _Refused
    except _Refused:
        report.created, report.skipped = 0, {}
    return report


@dataclasses.dataclass(frozen=True)
class SpecialistInvitations:
    sent: int
    skipped: dict[str, int]

    def __str__(self) -> str:
        sent = f"{self.sent} specialist{'s' * (self.sent != 1)} invited"
        why = "; ".join(f"{count} {reason}" for reason, count in self.skipped.items())
        return f"{sent}, {sum(self.skipped.values())} skipped ({why})" if self.skipped else sent


@transaction.atomic
def specialists_invite_every_new(*, icb: ICB, by: User) -> SpecialistInvitations:
    """Invite each active specialist of the ICB who has no account yet (those just imported above all), through
    the same claimed, retried path; those already invited are skipped."""
    candidates = list(icb.specialists.active().filter(user__isnull=True).order_by("full_name"))
    waiting = set(
        Invitation.objects.pending()
        .filter(role=Invitation.Role.SPECIALIST, specialist__in=candidates)
        .values_list("specialist_id", flat=True)
    )
    skipped = {}
    if with_account := icb.specialists.active().filter(user__isnull=False).count():
        skipped["already had an account"] = with_account
    if waiting:
        skipped["already had an invitation waiting"] = len(waiting)
    sent = 0
    for specialist in candidates:
        if specialist.pk in waiting:
            continue
        invitation_send(email="", role=Invitation.Role.SPECIALIST, icb=icb, specialist=specialist, by=by)
        sent += 1
    return SpecialistInvitations(sent=sent, skipped=skipped)
