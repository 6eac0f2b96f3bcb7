"""Programme set-up by the programme admin: programme years, cohorts and blackout periods, each checked by a
service and kept in the row history; the pages, their confirmation before removal, and the year switcher."""

import datetime
import threading
import time
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection, transaction
from django.urls import reverse

from pins.kernel.errors import RuleBroken
from schools.models import BlackoutPeriod, Cohort, ProgrammeYear
from schools.selectors import programme_year_history
from schools.services import (
    blackout_period_add,
    blackout_period_change,
    blackout_period_remove,
    cohort_add,
    cohort_change,
    cohort_remove,
    programme_year_add,
    programme_year_change,
    programme_year_remove,
)
from tests.factories import CohortFactory, ProgrammeYearFactory, UserFactory

NEXT_YEAR = {
    "label": "2027-28",
    "starts_on": datetime.date(2027, 9, 1),
    "ends_on": datetime.date(2028, 7, 21),
    "default_quota_days": Decimal("5.0"),
    "target_schools_per_icb": 30,
}


def _as(client, world, role):
    client.force_login(world[role])
    return client


def _dates(prefix, day):
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month), f"{prefix}_year": str(day.year)}


def _year_form(label="2027-28", starts_on=NEXT_YEAR["starts_on"], ends_on=NEXT_YEAR["ends_on"], quota="5", target="30"):
    return {
        "label": label,
        **_dates("starts_on", starts_on),
        **_dates("ends_on", ends_on),
        "default_quota_days": quota,
        "target_schools_per_icb": target,
    }


@pytest.mark.django_db
class TestProgrammeYears:
    def test_a_year_is_opened_with_its_history(self):
        by = UserFactory(full_name="Pat Programme")

        year = programme_year_add(**NEXT_YEAR, by=by)

        assert (year.label, year.target_schools_per_icb, year.default_quota_days) == ("2027-28", 30, Decimal("5.0"))
        [line] = programme_year_history(year=year)
        assert line.subject == "Programme year 2027-28" and line.entry.what == "Added"
        assert line.entry.who == "Pat Programme"

    @pytest.mark.parametrize(
        ("changes", "field", "message"),
        [
            ({"label": "2027/28"}, "label", "for example 2027-28"),
            ({"label": "2027-29"}, "label", "A year starting in 2027 is labelled 2027-28"),
            ({"ends_on": datetime.date(2027, 8, 1)}, "ends_on", "The last day must be after the first day"),
            ({"starts_on": datetime.date(2026, 9, 1)}, "starts_on", "The 2027-28 programme year starts in 2027"),
            ({"default_quota_days": Decimal("5.2")}, "default_quota_days", "in half days"),
            ({"default_quota_days": Decimal("0")}, "default_quota_days", "in half days"),
            ({"target_schools_per_icb": -1}, "target_schools_per_icb", "0 or more"),
        ],
    )
    def test_a_year_breaking_a_rule_is_refused_with_the_reason(self, changes, field, message):
        with pytest.raises(RuleBroken) as refused:
            programme_year_add(**{**NEXT_YEAR, **changes}, by=UserFactory())

        assert refused.value.field == field and message in refused.value.message
        assert not ProgrammeYear.objects.exists()

    def test_years_do_not_overlap(self):
        ProgrammeYearFactory()  # 2026-27, 1 September 2026 to 16 July 2027

        with pytest.raises(RuleBroken, match="It overlaps the 2026-27 programme year"):
            programme_year_add(**{**NEXT_YEAR, "starts_on": datetime.date(2027, 7, 1)}, by=UserFactory())
        with pytest.raises(RuleBroken, match="There is already a 2026-27 programme year"):
            programme_year_add(
                **{**NEXT_YEAR, "label": "2026-27", "starts_on": datetime.date(2026, 8, 1)}, by=UserFactory()
            )

    @pytest.mark.engine
    def test_the_database_refuses_overlapping_years_too(self):
        from django.db import IntegrityError

        ProgrammeYearFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            ProgrammeYear.objects.create(
                label="2027-28", starts_on=datetime.date(2027, 7, 1), ends_on=datetime.date(2028, 7, 1)
            )

    def test_a_change_keeps_the_years_blackouts_and_visits_inside_it(self, world):
        year, by = world.enrolment_a.programme_year, UserFactory()
        blackout_period_add(
            year=year, name="SATs week", starts_on=datetime.date(2027, 5, 10), ends_on=datetime.date(2027, 5, 14), by=by
        )
        fields = {
            "label": year.label,
            "default_quota_days": Decimal("5.5"),
            "target_schools_per_icb": 42,
            "starts_on": year.starts_on,
        }

        with pytest.raises(RuleBroken, match="These would fall outside the year: SATs week"):
            programme_year_change(year=year, **fields, ends_on=datetime.date(2027, 5, 1), by=by)
        with pytest.raises(RuleBroken, match="1 visit would fall outside the year"):
            programme_year_change(
                year=year, **{**fields, "starts_on": datetime.date(2026, 11, 1)}, ends_on=year.ends_on, by=by
            )
        changed = programme_year_change(year=year, **fields, ends_on=datetime.date(2027, 7, 23), by=by)

        assert (changed.ends_on, changed.target_schools_per_icb) == (datetime.date(2027, 7, 23), 42)
        world.enrolment_a.refresh_from_db()
        assert world.enrolment_a.quota_days == Decimal("5.0")  # schools already enrolled keep their days

    def test_a_year_anything_depends_on_is_not_removed(self, world):
        with pytest.raises(RuleBroken, match="has 2 enrolments, 2 capacities: it cannot be removed"):
            programme_year_remove(year=world.enrolment_a.programme_year, by=UserFactory())

    def test_an_empty_year_is_removed_with_its_cohorts_and_blackouts(self):
        by = UserFactory()
        year = programme_year_add(**NEXT_YEAR, by=by)
        cohort_add(year=year, name="New schools", quota_days=None, by=by)
        blackout_period_add(
            year=year, name="SATs week", starts_on=datetime.date(2028, 5, 8), ends_on=datetime.date(2028, 5, 12), by=by
        )

        programme_year_remove(year=year, by=by)

        assert not ProgrammeYear.objects.exists() and not Cohort.objects.exists()
        assert not BlackoutPeriod.objects.exists()


@pytest.mark.django_db
class TestCohortsAndBlackoutPeriods:
    def test_cohorts_are_named_once_a_year_in_half_days(self):
        year, by = ProgrammeYearFactory(), UserFactory()
        cohort = cohort_add(year=year, name=" Continuing schools ", quota_days=Decimal("2.5"), by=by)

        assert (cohort.name, cohort.default_quota_days) == ("Continuing schools", Decimal("2.5"))
        with pytest.raises(RuleBroken, match="already has a cohort called continuing schools"):
            cohort_add(year=year, name="continuing schools", quota_days=None, by=by)
        with pytest.raises(RuleBroken, match="in half days"):
            cohort_change(cohort=cohort, name="Continuing schools", quota_days=Decimal("2.25"), by=by)
        cohort_change(cohort=cohort, name="Year 1 schools", quota_days=None, by=by)
        cohort.refresh_from_db()
        assert (cohort.name, cohort.default_quota_days) == ("Year 1 schools", Decimal("5.0"))

    def test_a_cohort_with_schools_is_not_removed(self, world):
        with pytest.raises(RuleBroken, match="2 schools are enrolled in New schools: it cannot be removed"):
            cohort_remove(cohort=world.enrolment_a.cohort, by=UserFactory())

    def test_a_blackout_period_stays_inside_its_year_and_in_order(self):
        year, by = ProgrammeYearFactory(), UserFactory()

        with pytest.raises(RuleBroken, match="must be in the 2026-27 programme year"):
            blackout_period_add(
                year=year, name="Late", starts_on=datetime.date(2027, 7, 12), ends_on=datetime.date(2027, 7, 20), by=by
            )
        with pytest.raises(RuleBroken, match="same as or after the first day"):
            blackout_period_add(
                year=year, name="Back", starts_on=datetime.date(2027, 5, 14), ends_on=datetime.date(2027, 5, 10), by=by
            )
        period = blackout_period_add(
            year=year, name="SATs", starts_on=datetime.date(2027, 5, 10), ends_on=datetime.date(2027, 5, 14), by=by
        )
        blackout_period_change(
            period=period, name="SATs week", starts_on=period.starts_on, ends_on=datetime.date(2027, 5, 13), by=by
        )
        blackout_period_remove(period=period, by=by)

        lines = [(line.subject, line.entry.what) for line in programme_year_history(year=year)]
        assert ("Blackout period SATs week", "Changed") in lines and ("Blackout period SATs week", "Deleted") in lines


@pytest.mark.django_db
@pytest.mark.usefixtures("during_term")
class TestSetupPages:
    def test_the_programme_admin_opens_a_year_adds_a_cohort_and_a_blackout(self, client, world):
        admin = _as(client, world, "programme_admin")
        assert "Programme years" in admin.get(reverse("home")).text

        response = admin.post(reverse("schools:programme_year_add"), _year_form())
        assert response.status_code == 302 and response.url == reverse("schools:programme_year", args=["2027-28"])
        response = admin.post(
            reverse("schools:cohort_add", args=["2027-28"]), {"name": "New schools", "quota_days": "5"}
        )
        assert response.status_code == 302
        admin.post(
            reverse("schools:blackout_period_add", args=["2027-28"]),
            {
                "name": "SATs week",
                **_dates("starts_on", datetime.date(2028, 5, 8)),
                **_dates("ends_on", datetime.date(2028, 5, 12)),
            },
        )

        page = admin.get(reverse("schools:programme_year", args=["2027-28"])).text
        assert "New schools" in page and "SATs week" in page and "Mon 8 May 2028" in page
        assert "Programme year 2027-28 added by" in page and "Cohort New schools added by" in page
        listing = admin.get(reverse("schools:programme_years")).text
        assert "2027-28" in listing and "2026-27" in listing

    def test_bad_input_is_shown_in_the_error_summary(self, client, world):
        admin = _as(client, world, "programme_admin")

        response = admin.post(reverse("schools:programme_year_add"), _year_form(starts_on=datetime.date(2027, 7, 1)))
        assert response.status_code == 200
        assert "There is a problem" in response.text and "It overlaps the 2026-27 programme year" in response.text
        response = admin.post(reverse("schools:programme_year_add"), _year_form(quota="five"))
        assert "Enter the days as a number" in response.text
        response = admin.post(reverse("schools:cohort_add", args=["2026-27"]), {"name": "", "quota_days": "1.25"})
        assert "Enter the cohort&#x27;s name" in response.text
        assert not ProgrammeYear.objects.filter(label="2027-28").exists()

    def test_removal_asks_first_and_refuses_what_has_schools(self, client, world):
        admin = _as(client, world, "programme_admin")
        year = world.enrolment_a.programme_year
        cohort = world.enrolment_a.cohort

        page = admin.get(reverse("schools:cohort_remove", args=[year.label, cohort.pk]))
        assert "New schools cannot be removed" in page.text and "2 schools enrolled or invited" in page.text
        response = admin.post(reverse("schools:cohort_remove", args=[year.label, cohort.pk]))
        assert response.status_code == 409 and Cohort.objects.filter(pk=cohort.pk).exists()
        page = admin.get(reverse("schools:programme_year_remove", args=[year.label]))
        assert "2 enrolments" in page.text and "Remove the programme year" not in page.text

        spare = CohortFactory(programme_year=year, name="Spare")
        page = admin.get(reverse("schools:cohort_remove", args=[year.label, spare.pk]))
        assert "Remove Spare?" in page.text and "Keep it" in page.text
        assert Cohort.objects.filter(pk=spare.pk).exists()
        assert admin.post(reverse("schools:cohort_remove", args=[year.label, spare.pk])).status_code == 302
        assert not Cohort.objects.filter(pk=spare.pk).exists()

    def test_a_cohort_of_another_year_is_not_found(self, client, world):
        other = CohortFactory(
            programme_year=ProgrammeYearFactory(
                label="2027-28", starts_on=datetime.date(2027, 9, 1), ends_on=datetime.date(2028, 7, 21)
            )
        )
        url = reverse("schools:cohort_change", args=["2026-27", other.pk])

        assert _as(client, world, "programme_admin").get(url).status_code == 404

    def test_the_list_costs_the_same_queries_for_2_years_and_8(self, client, world, django_assert_max_num_queries):
        admin = _as(client, world, "programme_admin")
        for first in (2027,):
            ProgrammeYearFactory(
                label=f"{first}-{(first + 1) % 100}",
                starts_on=datetime.date(first, 9, 1),
                ends_on=datetime.date(first + 1, 7, 16),
            )
        with django_assert_max_num_queries(12) as few:
            admin.get(reverse("schools:programme_years"))
        for first in range(2028, 2034):
            year = ProgrammeYearFactory(
                label=f"{first}-{(first + 1) % 100}",
                starts_on=datetime.date(first, 9, 1),
                ends_on=datetime.date(first + 1, 7, 16),
            )
            CohortFactory(programme_year=year)

        with django_assert_max_num_queries(len(few.captured_queries)):
            response = admin.get(reverse("schools:programme_years"))

        assert response.text.count("/programme/years/20") >= 8

    def test_the_year_page_costs_the_same_queries_for_1_cohort_and_10(
        self, client, world, django_assert_max_num_queries
    ):
        admin = _as(client, world, "programme_admin")
        year = world.enrolment_a.programme_year
        url = reverse("schools:programme_year", args=[year.label])
        with django_assert_max_num_queries(14) as few:
            admin.get(url)
        for n in range(9):
            cohort = cohort_add(year=year, name=f"Cohort {n}", quota_days=None, by=world["programme_admin"])
            cohort_change(cohort=cohort, name=f"Cohort {n}", quota_days=Decimal("3"), by=world["coordinator_a"])
            blackout_period_add(
                year=year,
                name=f"Week {n}",
                starts_on=datetime.date(2027, 1, 4) + datetime.timedelta(weeks=n),
                ends_on=datetime.date(2027, 1, 8) + datetime.timedelta(weeks=n),
                by=world["programme_admin"],
            )

        with django_assert_max_num_queries(len(few.captured_queries)):
            response = admin.get(url)

        assert response.text.count("Cohort 8") >= 2


@pytest.mark.django_db
@pytest.mark.usefixtures("during_term")
class TestTheYearSwitcher:
    def test_pages_of_a_year_offer_the_others(self, client, world):
        ProgrammeYearFactory(label="2027-28", starts_on=datetime.date(2027, 9, 1), ends_on=datetime.date(2028, 7, 21))
        coordinator = _as(client, world, "coordinator_a")

        for url in (
            reverse("icbs:detail", args=[world.icb_a.ods_code]),
            reverse("specialists:icb", args=[world.icb_a.ods_code]),
            reverse("visits:plan", args=[world.icb_a.ods_code]),
        ):
            page = coordinator.get(url).text
            assert '<select class="govuk-select" id="year-switcher" name="year">' in page, url
            assert '<option value="2027-28">2027-28</option>' in page, url
            assert '<option value="2026-27" selected>2026-27</option>' in page, url

        page = coordinator.get(reverse("icbs:detail", args=[world.icb_a.ods_code]), {"year": "2027-28"}).text
        assert "Schools, 2027-28" in page and '<option value="2027-28" selected>' in page

    def test_with_one_year_there_is_nothing_to_switch(self, client, world):
        page = _as(client, world, "coordinator_a").get(reverse("icbs:detail", args=[world.icb_a.ods_code])).text

        assert "year-switcher" not in page


def _first_holds_its_locks_while_the_second_runs(first, second):
    outcomes, errors, done_its_work = {}, [], threading.Event()

    def run(name, call, hold: bool):
        try:
            with transaction.atomic():
                try:
                    outcomes[name] = call()
                except RuleBroken as rule:
                    outcomes[name] = rule
                if hold:
                    done_its_work.set()
                    time.sleep(0.5)
        except Exception as error:  # an IntegrityError above all fails the test
            errors.append(error)
        finally:
            done_its_work.set()
            connection.close()

    holder = threading.Thread(target=run, args=("first", first, True))
    holder.start()
    done_its_work.wait(timeout=30)
    other = threading.Thread(target=run, args=("second", second, False))
    other.start()
    holder.join(timeout=30)
    other.join(timeout=30)
    close_old_connections()
    assert not errors, errors
    return outcomes["first"], outcomes["second"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.engine
def test_two_overlapping_years_opened_at_once_one_is_refused_with_a_message():
    by = UserFactory()

    first, second = _first_holds_its_locks_while_the_second_runs(
        lambda: programme_year_add(**NEXT_YEAR, by=by),
        lambda: programme_year_add(
            **{
                **NEXT_YEAR,
                "label": "2028-29",
                "starts_on": datetime.date(2028, 7, 1),
                "ends_on": datetime.date(2029, 7, 1),
            },
            by=by,
        ),
    )

    assert isinstance(first, ProgrammeYear)
    assert isinstance(second, RuleBroken) and "It overlaps the 2027-28 programme year" in second.message
