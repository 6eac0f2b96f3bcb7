"""The people-with-access page's longest tables, a row for each SENCO and each specialist who can sign in, as the
page writes them. Written here rather than by the template, every value escaped: Django's templates spend a few
microseconds on each variable, and these tables are the most of the page."""

from django.utils.html import conditional_escape as escaped
from django.utils.safestring import SafeString, mark_safe

from pins.kernel.urls import reverse_remembered

_CELL = '<td class="govuk-table__cell">'


def senco_rows_html(memberships, *, ods_code: str, may_remove: bool) -> SafeString:
    rows = []
    for membership in memberships:
        school, email = escaped(membership.school.name), escaped(membership.user.email)
        remove = ""
        if may_remove:
            url = reverse_remembered("access:remove_senco", args=[ods_code, membership.pk])
            remove = (
                f'<a class="govuk-link" href="{escaped(url)}">Remove<span class="govuk-visually-hidden">'
                f" {email} from {school}</span></a>"
            )
        rows.append(
            '<tr class="govuk-table__row">'
            f"{_CELL}{school}</td>{_CELL}{escaped(membership.user.full_name or '–')}</td>{_CELL}{email}</td>"
            f"{_CELL}{remove}</td></tr>"
        )
    return mark_safe("\n".join(rows))  # every value is escaped


def specialist_rows_html(specialists, *, ods_code: str, may_remove: bool) -> SafeString:
    rows = []
    for specialist in specialists:
        name = escaped(specialist.full_name)
        remove = ""
        if may_remove:
            url = reverse_remembered("access:remove_specialist_account", args=[ods_code, specialist.pk])
            remove = (
                f'<a class="govuk-link" href="{escaped(url)}">Remove<span class="govuk-visually-hidden">'
                f" {name}'s account</span></a>"
            )
        rows.append(
            '<tr class="govuk-table__row">'
            f"{_CELL}{name}</td>{_CELL}{escaped(specialist.get_discipline_display())}</td>"
            f"{_CELL}{escaped(specialist.user.email)}</td>{_CELL}{remove}</td></tr>"
        )
    return mark_safe("\n".join(rows))  # every value is escaped
