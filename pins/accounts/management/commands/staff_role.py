from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from pins.accounts.models import StaffMembership, User
from pins.accounts.services import staff_role_grant, staff_role_remove
from pins.kernel.errors import RuleBroken

ROLES = StaffMembership.Role.values


def _account(email: str, *, what: str) -> User:
    user = User.objects.with_email(email).first()
    if user is None:
        raise CommandError(f"No account has the e-mail address {email} ({what}): invite them or create it first")
    return user


class Command(BaseCommand):
    help = (
        "Give or take away a programme staff role, recorded in the access history: "
        "staff_role grant EMAIL ROLE [--by EMAIL] | staff_role remove EMAIL ROLE [--by EMAIL] | staff_role list"
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="grant|remove|list")
        for action, what in [("grant", "Give someone a staff role"), ("remove", "Take a staff role away")]:
            command = actions.add_parser(action, help=what)
            command.add_argument("email", help="e-mail address of the person's account")
            command.add_argument("role", choices=ROLES)
            command.add_argument(
                "--by", metavar="EMAIL", help="your own account, recorded as who did it (leave out only for the first)"
            )
        actions.add_parser("list", help="Everyone with a staff role")

    def handle(self, *args, action, **options):
        if action == "list":
            for membership in StaffMembership.objects.select_related("user", "granted_by"):
                granted_by = membership.granted_by.email if membership.granted_by else "the command line"
                self.stdout.write(
                    f"{membership.user.email}\t{membership.role}\t"
                    f"granted {timezone.localtime(membership.granted_at):%-d %B %Y} by {granted_by}"
                )
            return
        by = _account(options["by"], what="--by") if options["by"] else None
        user = _account(options["email"], what="the person")
        role = StaffMembership.Role(options["role"])
        try:
            if action == "grant":
                staff_role_grant(user=user, role=role, by=by)
                self.stdout.write(f"{user.email} now has the {role.label} role.")
            else:
                membership = StaffMembership.objects.filter(user=user, role=role).first()
                if membership is None:
                    raise CommandError(f"{user.email} does not have the {role.label} role")
                staff_role_remove(membership=membership, by=by)
                self.stdout.write(f"{user.email} no longer has the {role.label} role.")
        except RuleBroken as error:
            raise CommandError(error.message) from None
