"""The term-date pages: the programme's default holidays, an authority's uploaded term dates and a school's own."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from schools.models import SchoolHoliday
from tests.factories import LocalAuthorityFactory, SchoolFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("during_term")]

CHRISTMAS = (datetime.date(2026, 12, 21), datetime.date(2027, 1, 1))


def _as(client, world, role):
    client.force_login(world[role])
    return client


def _year(world):
    return world.enrolment_a.programme_year


def _dates(prefix, day):
    return {f"{prefix}_day": str(day.day), f"{prefix}_month": str(day.month), f"{prefix}_year": str(day.year)}


def _holiday_form(name, starts_on, ends_on):
    return {"name": name, **_dates("starts_on", starts_on), **_dates("ends_on", ends_on)}


def _holiday(world, name="Christmas holiday", dates=CHRISTMAS, **layer):
    return SchoolHoliday.objects.create(
        programme_year=_year(world), name=name, starts_on=dates[0], ends_on=dates[1], **layer
    )


def _csv(text: str):
    return SimpleUploadedFile("term-dates.csv", text.encode(), content_type="text/csv")


class TestTheProgrammeAdminsDefaultHolidays:
    def test_adds_changes_and_removes_a_holiday(self, client, world):
        admin = _as(client, world, "programme_admin")

        response = admin.post(reverse("schools:holiday_add"), _holiday_form("Christmas holiday", *CHRISTMAS))
        assert response.status_code == 302
        holiday = SchoolHoliday.objects.get()
        assert holiday.layer == SchoolHoliday.Layer.DEFAULT and holiday.programme_year == _year(world)
        page = admin.get(reverse("schools:holidays")).text
        assert "Christmas holiday" in page and "Mon 21 Dec 2026" in page

        admin.post(
            reverse("schools:holiday_change", args=[holiday.pk]),
            _holiday_form("Christmas holiday", CHRISTMAS[0], datetime.date(2027, 1, 4)),
        )
        holiday.refresh_from_db()
        assert holiday.ends_on == datetime.date(2027, 1, 4)

        assert "Remove Christmas holiday?" in admin.get(reverse("schools:holiday_remove", args=[holiday.pk])).text
        admin.post(reverse("schools:holiday_remove", args=[holiday.pk]))
        assert not SchoolHoliday.objects.exists()
        assert [event.pgh_label for event in holiday.history_events.order_by("pgh_id")] == [
            "insert",
            "update",
            "delete",
        ]

    @pytest.mark.parametrize(
        ("form", "message"),
        [
            (_holiday_form("Half term", datetime.date(2026, 10, 30), datetime.date(2026, 10, 26)), "The last day must"),
            (_holiday_form("Summer", datetime.date(2027, 7, 22), datetime.date(2027, 8, 31)), "must be in the 2026-27"),
            (_holiday_form("Overlap", datetime.date(2026, 12, 31), datetime.date(2027, 1, 5)), "overlaps Christmas"),
            ({**_holiday_form("X", *CHRISTMAS), "starts_on_month": "13"}, "First day must be a real date"),
            (_holiday_form("", *CHRISTMAS), "Enter the holiday"),
        ],
    )
    def test_a_bad_holiday_is_shown_in_the_error_summary_and_nothing_saved(self, client, world, form, message):
        _holiday(world)
        response = _as(client, world, "programme_admin").post(reverse("schools:holiday_add"), form)

        assert response.status_code == 200
        assert "There is a problem" in response.text and message in response.text
        assert SchoolHoliday.objects.count() == 1

    def test_an_authoritys_or_schools_holiday_is_not_the_programme_admins_to_change_here(self, client, world):
        own = _holiday(world, school=world.school_a)

        response = _as(client, world, "programme_admin").get(reverse("schools:holiday_change", args=[own.pk]))

        assert response.status_code == 404

    def test_the_list_costs_the_same_queries_for_2_holidays_and_20(self, client, world, django_assert_max_num_queries):
        admin = _as(client, world, "programme_admin")
        first = datetime.date(2026, 9, 7)
        for n in range(2):
            _holiday(world, f"Break {n}", (first + datetime.timedelta(weeks=n), first + datetime.timedelta(weeks=n)))
        with django_assert_max_num_queries(12) as few:
            admin.get(reverse("schools:holidays"))
        for n in range(2, 20):
            _holiday(world, f"Break {n}", (first + datetime.timedelta(weeks=n), first + datetime.timedelta(weeks=n)))

        with django_assert_max_num_queries(len(few.captured_queries)):
            response = admin.get(reverse("schools:holidays"))

        assert response.text.count("Break ") >= 20


class TestAnAuthoritysTermDates:
    def _upload(self, client, world, text, **extra):
        url = reverse("schools:term_dates_upload", args=[world.icb_a.ods_code, world.school_a.local_authority.dfe_code])
        return client.post(url, {"file": _csv(text), **extra})

    def test_the_coordinator_uploads_them_and_they_replace_the_default_for_its_schools(self, client, world):
        _holiday(world)
        coordinator = _as(client, world, "coordinator_a")

        response = self._upload(
            coordinator,
            world,
            "name,first_day,last_day\r\n"
            "Autumn half term,19/10/2026,23/10/2026\r\n"
            "Winter holiday,2026-12-18,2027-01-04\r\n",
        )

        assert response.status_code == 302
        authority = world.school_a.local_authority
        assert list(
            SchoolHoliday.objects.filter(local_authority=authority).values_list("name", "starts_on", "ends_on")
        ) == [
            ("Autumn half term", datetime.date(2026, 10, 19), datetime.date(2026, 10, 23)),
            ("Winter holiday", datetime.date(2026, 12, 18), datetime.date(2027, 1, 4)),
        ]
        listing = coordinator.get(response.url).text
        assert "Its own: 2 holidays" in listing
        school_page = coordinator.get(reverse("schools:term_dates", args=[world.school_a.urn])).text
        assert "Winter holiday" in school_page and f"{authority.name}'s term dates" in school_page

    def test_every_bad_row_is_reported_and_nothing_saved(self, client, world):
        authority = world.school_a.local_authority
        _holiday(world, local_authority=authority)

        response = self._upload(
            _as(client, world, "coordinator_a"),
            world,
            "name,first_day,last_day\r\n"
            "Autumn half term,19/10/2026,23/10/2026\r\n"
            "Backwards,23/10/2026,19/10/2026\r\n"
            "Not a date,soon,23/10/2026\r\n"
            "Overlapping,22/10/2026,30/10/2026\r\n"
            "After the year,22/07/2027,31/08/2027\r\n",
        )

        assert response.status_code == 200
        text = response.text
        assert "The file has 4 problems: nothing was saved" in text
        assert "line 3: The last day must be the same as or after the first day" in text
        assert "line 4: first_day “soon” is not a date like 21/12/2026" in text
        assert "line 5: It overlaps Autumn half term" in text
        assert "line 6: The holiday must be in the 2026-27 programme year" in text
        assert list(SchoolHoliday.objects.values_list("name", flat=True)) == ["Christmas holiday"]

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("name,first_day\r\nX,21/12/2026\r\n", "missing column “last_day”"),
            ("name,first_day,last_day\r\n", "the file has no holidays"),
            ("name,first_day,last_day\r\n" + "X,21/12/2026,21/12/2026\r\n" * 41, "more than 40 rows"),
            (
                "\ufeffname,first_day,last_day\r\nHalf\nterm,26/10/2026,30/10/2026\r\n".replace(
                    "Half\nterm", '"Half\nterm"'
                ),
                "line break",
            ),
        ],
    )
    def test_a_malformed_file_is_refused_without_an_error_page(self, client, world, text, message):
        response = self._upload(_as(client, world, "coordinator_a"), world, text)

        assert response.status_code == 200 and message in response.text
        assert not SchoolHoliday.objects.exists()

    def test_a_dry_run_checks_and_saves_nothing(self, client, world):
        response = self._upload(
            _as(client, world, "coordinator_a"),
            world,
            "name,first_day,last_day\r\nChristmas holiday,21/12/2026,01/01/2027\r\n",
            dry_run="on",
        )

        assert "No problems found" in response.text and not SchoolHoliday.objects.exists()

    def test_an_authority_with_no_school_in_the_icb_is_not_its_coordinators(self, client, world):
        elsewhere = LocalAuthorityFactory(icb=world.icb_b)
        url = reverse("schools:term_dates_upload", args=[world.icb_a.ods_code, elsewhere.dfe_code])

        assert _as(client, world, "coordinator_a").get(url).status_code == 404

    def test_the_list_costs_the_same_queries_for_1_authority_and_20(self, client, world, django_assert_max_num_queries):
        coordinator = _as(client, world, "coordinator_a")
        url = reverse("schools:icb_term_dates", args=[world.icb_a.ods_code])
        with django_assert_max_num_queries(12) as few:
            coordinator.get(url)
        for _ in range(19):
            authority = LocalAuthorityFactory(icb=world.icb_a)
            _holiday(world, local_authority=authority)
            SchoolFactory(local_authority=authority)

        with django_assert_max_num_queries(len(few.captured_queries)):
            response = coordinator.get(url)

        assert response.text.count("Its own: 1 holiday") == 19


class TestASchoolsOwnTermDates:
    def test_the_senco_records_them_and_they_replace_the_authoritys(self, client, world):
        _holiday(world)
        _holiday(world, "Authority Christmas", local_authority=world.school_a.local_authority)
        senco = _as(client, world, "senco_a")
        url = reverse("schools:term_dates", args=[world.school_a.urn])
        assert "Authority Christmas" in senco.get(url).text

        response = senco.post(url, _holiday_form("Academy winter break", datetime.date(2026, 12, 14), CHRISTMAS[1]))

        assert response.status_code == 302
        page = senco.get(url).text
        assert "Academy winter break" in page and "the school's own term dates" in page
        assert "Authority Christmas" not in page
        own = SchoolHoliday.objects.get(school=world.school_a)
        remove = reverse("schools:term_date_remove", args=[world.school_a.urn, own.pk])
        assert "Remove Academy winter break?" in senco.get(remove).text
        assert SchoolHoliday.objects.filter(pk=own.pk).exists()  # asking changed nothing
        senco.post(remove)
        assert "Authority Christmas" in senco.get(url).text

    def test_dfe_staff_read_them_but_record_nothing(self, client, world):
        staff = _as(client, world, "dfe_staff")
        url = reverse("schools:term_dates", args=[world.school_a.urn])

        assert "Add a holiday of the school" not in staff.get(url).text
        assert staff.post(url, _holiday_form("Break", *CHRISTMAS)).status_code == 403
        assert not SchoolHoliday.objects.exists()

    def test_another_schools_holiday_cannot_be_removed_through_this_school(self, client, world):
        other = _holiday(world, school=SchoolFactory(local_authority=world.school_a.local_authority))
        response = _as(client, world, "senco_a").post(
            reverse("schools:term_date_remove", args=[world.school_a.urn, other.pk])
        )

        assert response.status_code == 404 and SchoolHoliday.objects.filter(pk=other.pk).exists()

    def test_the_page_costs_the_same_queries_for_2_holidays_and_20(self, client, world, django_assert_max_num_queries):
        senco = _as(client, world, "senco_a")
        url = reverse("schools:term_dates", args=[world.school_a.urn])
        first = datetime.date(2026, 9, 7)
        for n in range(2):
            day = first + datetime.timedelta(weeks=n)
            _holiday(world, f"Break {n}", (day, day), school=world.school_a)
        with django_assert_max_num_queries(12) as few:
            senco.get(url)
        for n in range(2, 20):
            day = first + datetime.timedelta(weeks=n)
            _holiday(world, f"Break {n}", (day, day), school=world.school_a)

        with django_assert_max_num_queries(len(few.captured_queries)):
            response = senco.get(url)

        assert response.text.count("Break ") >= 20


@pytest.mark.parametrize(("role", "linked"), [("coordinator_a", True), ("programme_admin", True), ("dfe_staff", False)])
def test_the_icb_page_links_to_term_dates_for_those_who_keep_them(client, world, role, linked):
    html = _as(client, world, role).get(reverse("icbs:detail", args=[world.icb_a.ods_code])).text

    assert (reverse("schools:icb_term_dates", args=[world.icb_a.ods_code]) in html) is linked
