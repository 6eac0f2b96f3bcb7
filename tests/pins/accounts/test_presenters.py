"""The people-with-access page's SENCO and specialist rows, written in Python, escaped and with a remove link only
for someone who may remove."""

import pytest

from pins.accounts.presenters import senco_rows_html, specialist_rows_html
from schools.models import SencoMembership
from specialists.models import Specialist
from tests.factories import SencoMembershipFactory, SpecialistFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_senco_row_is_escaped_and_offers_removal_only_to_those_who_may():
    membership = SencoMembershipFactory(user=UserFactory(full_name="", email="o'brien@school.example"))
    membership = SencoMembership.objects.select_related("user", "school").get(pk=membership.pk)
    membership.school.name = "St Mary & St John <Primary>"

    removable = senco_rows_html([membership], ods_code="QWO", may_remove=True)
    shown_only = senco_rows_html([membership], ods_code="QWO", may_remove=False)

    assert '<td class="govuk-table__cell">St Mary &amp; St John &lt;Primary&gt;</td>' in removable
    assert '<td class="govuk-table__cell">–</td>' in removable  # no name given
    assert f'href="/icbs/QWO/access/sencos/{membership.pk}/remove/"' in removable
    assert "o&#x27;brien@school.example from St Mary &amp; St John &lt;Primary&gt;</span></a>" in removable
    assert "<a " not in shown_only and "o&#x27;brien@school.example</td>" in shown_only


def test_a_specialist_row_is_escaped_and_offers_removal_only_to_those_who_may():
    specialist = SpecialistFactory(full_name="Siobhán O'Neill <SLT>", user=UserFactory())
    specialist = Specialist.objects.select_related("user").get(pk=specialist.pk)

    removable = specialist_rows_html([specialist], ods_code="QWO", may_remove=True)
    shown_only = specialist_rows_html([specialist], ods_code="QWO", may_remove=False)

    assert "Siobhán O&#x27;Neill &lt;SLT&gt;</td>" in removable
    assert specialist.get_discipline_display() in removable
    assert 'Remove<span class="govuk-visually-hidden"> Siobhán O&#x27;Neill &lt;SLT&gt;\'s account</span>' in removable
    assert "<a " not in shown_only
