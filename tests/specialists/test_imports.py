import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import DatabaseError
from django.urls import reverse

from icbs.models import ICB
from icbs.services import reference_data_load
from specialists.imports import SPECIALIST_COLUMNS, specialists_import
from specialists.models import Capacity, Discipline, Specialist
from tests.factories import CapacityFactory, ICBFactory, ProgrammeYearFactory, SpecialistFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def reference_data():
    reference_data_load()


@pytest.fixture
def year():
    return ProgrammeYearFactory(label="2026-27")


def icb(code: str) -> ICB:
    return ICB.objects.get(ods_code=code)


def specialist_row(number: int = 1, **values: str) -> dict[str, str]:
    return {
        "full_name": f"Test Specialist {number}",
        "discipline": "Occupational therapy",
        "employer": "Leeds Community Healthcare NHS Trust",
        "icb_ods_code": "QWO",
        "email": f"specialist{number}@nhs.example.org",
        "base_postcode": "LS2 9JT",
        "programme_year": "2026-27",
        "capacity_days": "40",
        "active": "yes",
    } | values


def specialists_csv(rows, *, encoding: str = "utf-8", columns=SPECIALIST_COLUMNS) -> bytes:
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=columns, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return text.getvalue().encode(encoding)


def import_rows(*rows, **options):
    return specialists_import(data=specialists_csv(rows), **options)


def messages(report) -> list[str]:
    return [str(error) for error in report.errors]


def test_a_row_becomes_a_specialist_with_their_capacity(year):
    report = import_rows(
        specialist_row(
            full_name="Siân O’Neill",
            discipline="Speech and language therapy",
            email="Sian.ONeill@nhs.example.org",
            base_postcode="ls29jt",
            capacity_days="37.5",
            active="",
        )
    )

    assert report.errors == []
    assert (report.created, report.updated, report.unchanged) == (1, 0, 0)
    specialist = Specialist.objects.get()
    assert specialist.full_name == "Siân O’Neill"
    assert specialist.discipline == Discipline.SPEECH_AND_LANGUAGE_THERAPY
    assert specialist.employer == "Leeds Community Healthcare NHS Trust"
    assert specialist.icb.ods_code == "QWO"
    assert specialist.email == "Sian.ONeill@nhs.example.org"
    assert specialist.base_postcode == "LS2 9JT"
    assert specialist.active is True
    assert specialist.capacities.get(programme_year=year).days == Decimal("37.5")


@pytest.mark.parametrize(
    "written", ["Speech and language therapy", "SPEECH AND LANGUAGE THERAPY", "speech_and_language_therapy"]
)
def test_discipline_is_its_label_or_value_in_any_capitals(year, written):
    import_rows(specialist_row(discipline=written))

    assert Specialist.objects.get().discipline == Discipline.SPEECH_AND_LANGUAGE_THERAPY


@pytest.mark.parametrize(
    ("written", "active"),
    [
        ("yes", True),
        ("Yes", True),
        ("TRUE", True),
        ("1", True),
        ("", True),
        ("no", False),
        ("false", False),
        ("0", False),
    ],
)
def test_active_is_yes_or_no(year, written, active):
    import_rows(specialist_row(active=written))

    assert Specialist.objects.get().active is active


def test_no_programme_year_and_no_days_means_no_capacity():
    report = import_rows(specialist_row(programme_year="", capacity_days=""))

    assert report.errors == []
    assert Specialist.objects.count() == 1
    assert not Capacity.objects.exists()


def test_importing_again_changes_nothing(year):
    data = specialists_csv([specialist_row(number) for number in range(3)])
    specialists_import(data=data)

    report = specialists_import(data=data)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert Specialist.objects.count() == 3
    assert Capacity.objects.count() == 3


def test_a_specialist_is_found_by_e_mail_address_whatever_its_capitals(year):
    existing = SpecialistFactory(email="Jane.Smith@nhs.example.org", full_name="Jane Smith", icb=icb("QWO"))

    report = import_rows(specialist_row(email="JANE.SMITH@NHS.EXAMPLE.ORG", full_name="Jane Smith-Jones"))

    assert (report.created, report.updated) == (0, 1)
    existing.refresh_from_db()
    assert existing.full_name == "Jane Smith-Jones"
    assert existing.email == "Jane.Smith@nhs.example.org"
    assert Specialist.objects.count() == 1


def test_a_changed_capacity_is_an_update_and_other_years_are_kept(year):
    last_year = ProgrammeYearFactory(
        label="2025-26", starts_on=datetime.date(2025, 9, 1), ends_on=datetime.date(2026, 7, 17)
    )
    specialist = SpecialistFactory(email="specialist1@nhs.example.org", icb=icb("QWO"), full_name="Test Specialist 1")
    specialist.employer, specialist.discipline = (
        "Leeds Community Healthcare NHS Trust",
        Discipline.OCCUPATIONAL_THERAPY,
    )
    specialist.save()
    CapacityFactory(specialist=specialist, programme_year=year, days=Decimal("40.0"))
    CapacityFactory(specialist=specialist, programme_year=last_year, days=Decimal("20.0"))
    assert import_rows(specialist_row(capacity_days="40.0")).unchanged == 1

    report = import_rows(specialist_row(capacity_days="45.5"))

    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    assert dict(specialist.capacities.values_list("programme_year__label", "days")) == {
        "2026-27": Decimal("45.5"),
        "2025-26": Decimal("20.0"),
    }


# Bad input


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"full_name": ""}, "full_name is empty"),
        ({"full_name": "A" * 201}, "full_name is longer than 200 characters"),
        ({"email": ""}, "email is empty"),
        ({"email": "jane at nhs"}, "email “jane at nhs” is not an e-mail address"),
        ({"discipline": "Physiotherapy"}, "discipline “Physiotherapy” is not one of: Occupational therapy, "),
        ({"icb_ods_code": ""}, "icb_ods_code is empty"),
        ({"icb_ods_code": "QZZ"}, "no ICB has the ODS code “QZZ”"),
        ({"base_postcode": "Leeds"}, "base_postcode “Leeds” is not a UK postcode"),
        ({"capacity_days": "forty"}, "capacity_days “forty” is not a number of days"),
        (
            {"capacity_days": "2.25"},
            "capacity_days “2.25” is not a whole number of half-days, like 40 or 40.5",
        ),
        ({"capacity_days": "-1"}, "capacity_days “-1” is not a whole number of half-days"),
        ({"capacity_days": "NaN"}, "capacity_days “NaN” is not a whole number of half-days"),
        ({"capacity_days": "10000"}, "capacity_days “10000” is more than 9999.5 days"),
        ({"programme_year": "2030-31"}, "programme year “2030-31” does not exist (the years are: 2026-27)"),
        ({"programme_year": ""}, "give both programme_year and capacity_days, or leave both empty"),
        ({"capacity_days": ""}, "give both programme_year and capacity_days, or leave both empty"),
        ({"active": "maybe"}, "active “maybe” is not yes or no"),
    ],
)
def test_a_bad_value_is_reported_with_its_line(year, values, message):
    report = import_rows(specialist_row(1), specialist_row(2, **values), specialist_row(3))

    assert len(report.errors) == 1
    assert report.errors[0].line == 3
    assert report.errors[0].message.startswith(message)
    assert not Specialist.objects.exists()


@pytest.mark.parametrize("column", ["full_name", "employer"])
@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Jane\nSmith", "has a line break in it: write it on one line"),
        ("Jane\rSmith", "has a line break in it: write it on one line"),
        ("Jane\u2029Smith", "has a line break in it: write it on one line"),
        ("Jane\tSmith", "has a tab in it: remove it"),
        ("Jane\x07Smith", "has the control character U+0007 in it: remove it"),
        ("Jane\x9bSmith", "has the control character U+009B in it: remove it"),
    ],
)
def test_a_name_with_a_control_character_is_reported_with_its_line(year, column, text, problem):
    report = import_rows(specialist_row(1), specialist_row(2, **{column: text}))

    assert messages(report) == [f"line 3: {column} {problem}"]
    assert not Specialist.objects.exists()


def test_a_nul_in_a_name_is_refused_with_its_line(year):
    report = import_rows(specialist_row(1), specialist_row(2, full_name="Jane\x00Smith"))

    assert [str(error)[:22] for error in report.errors] == ["line 3: wrong encoding"]
    assert not Specialist.objects.exists()


def test_an_ended_icb_is_a_bad_row(year):
    ICBFactory(ods_code="QZ1", ended_on=datetime.date(2026, 1, 1), successor=icb("QWO"))

    report = import_rows(specialist_row(icb_ods_code="qz1"))

    assert messages(report) == [
        "line 2: ICB QZ1 ended on 1 January 2026 and was replaced by QWO West Yorkshire: use QWO"
    ]


def test_an_e_mail_address_twice_is_reported_on_the_later_line_naming_the_earlier(year):
    rows = [
        specialist_row(1, email="jane@nhs.example.org"),
        specialist_row(2),
        specialist_row(3, email="JANE@nhs.example.org"),
    ]

    report = import_rows(*rows)

    assert messages(report) == ["line 4: e-mail address JANE@nhs.example.org appears twice: it is already on line 2"]


def test_a_few_bad_rows_import_nothing_and_each_is_reported(year):
    existing = CapacityFactory(specialist__email="specialist0@nhs.example.org", programme_year=year)
    rows = [specialist_row(number) for number in range(200)]
    rows[0]["capacity_days"] = "80"  # a change to an existing capacity: it must not be written either
    rows[10]["email"] = "not-an-address"
    rows[150]["discipline"] = "Physio"
    rows[150]["capacity_days"] = "1.2"

    report = import_rows(*rows)

    assert messages(report) == [
        "line 12: email “not-an-address” is not an e-mail address",
        "line 152: discipline “Physio” is not one of: Occupational therapy, Speech and language therapy, "
        "Mental health, Educational psychology, Specialist nursing, Specialist teaching",
        "line 152: capacity_days “1.2” is not a whole number of half-days, like 40 or 40.5",
    ]
    assert Specialist.objects.count() == 1
    existing.refresh_from_db()
    assert existing.days == Decimal("40.0")


def test_a_failure_while_writing_undoes_the_specialists_too(year, monkeypatch):
    def lose_the_connection(*args, **kwargs):
        raise DatabaseError("server closed the connection unexpectedly")

    monkeypatch.setattr(Capacity.objects, "bulk_create", lose_the_connection)

    with pytest.raises(DatabaseError):
        import_rows(specialist_row(1), specialist_row(2))

    assert not Specialist.objects.exists()


def test_every_missing_column_is_named():
    columns = [column for column in SPECIALIST_COLUMNS if column not in {"full_name", "email", "icb_ods_code"}]

    report = specialists_import(data=specialists_csv([specialist_row()], columns=columns))

    assert messages(report) == [
        "line 1: missing column “full_name”",
        "line 1: missing column “email”",
        "line 1: missing column “icb_ods_code”",
    ]


def test_only_name_discipline_and_e_mail_address_are_needed_with_one_icb():
    data = specialists_csv([specialist_row()], columns=["full_name", "discipline", "email"])

    report = specialists_import(data=data, icb=icb("QWO"))

    assert report.errors == []
    specialist = Specialist.objects.get()
    assert (specialist.icb.ods_code, specialist.employer, specialist.active) == ("QWO", "", True)
    assert not Capacity.objects.exists()


# One ICB


def test_icb_places_every_row_in_it(year):
    report = import_rows(specialist_row(1, icb_ods_code=""), specialist_row(2, icb_ods_code="qxu"), icb=icb("QXU"))

    assert report.errors == []
    assert set(Specialist.objects.values_list("icb__ods_code", flat=True)) == {"QXU"}


def test_with_one_icb_a_row_naming_another_is_bad(year):
    report = import_rows(specialist_row(1, icb_ods_code="QXU"), specialist_row(2, icb_ods_code="QWO"), icb=icb("QXU"))

    assert messages(report) == ["line 3: icb_ods_code QWO is not QXU, the ICB this import is for"]
    assert not Specialist.objects.exists()


@pytest.mark.parametrize("dry_run", [False, True])
def test_with_one_icb_another_icbs_specialist_is_not_moved_nor_their_icb_named(year, dry_run):
    SpecialistFactory(email="specialist1@nhs.example.org", icb=icb("QWO"), full_name="Jane Smith")

    report = import_rows(specialist_row(1, icb_ods_code=""), icb=icb("QXU"), dry_run=dry_run)

    assert messages(report) == [
        "line 2: specialist1@nhs.example.org belongs to another ICB's specialist, so this import cannot change "
        "them: a programme admin moves specialists between ICBs"
    ]
    assert Specialist.objects.values_list("icb__ods_code", "full_name").get() == ("QWO", "Jane Smith")


def test_without_one_icb_a_specialist_can_move(year):
    SpecialistFactory(email="specialist1@nhs.example.org", icb=icb("QWO"))

    report = import_rows(specialist_row(1, icb_ods_code="QXU"))

    assert report.updated == 1
    assert Specialist.objects.get().icb.ods_code == "QXU"


# Encodings, dry run, batching


def test_names_in_windows_1252_survive(year):
    report = specialists_import(
        data=specialists_csv([specialist_row(full_name="Siân O’Neill-Müller")], encoding="cp1252")
    )

    assert report.errors == []
    assert Specialist.objects.get().full_name == "Siân O’Neill-Müller"


def test_utf_8_with_a_bom_is_accepted_and_utf_16_refused(year):
    assert specialists_import(data=specialists_csv([specialist_row()], encoding="utf-8-sig")).errors == []

    report = specialists_import(data=specialists_csv([specialist_row(2)], encoding="utf-16"))

    assert [error.line for error in report.errors] == [1]
    assert report.errors[0].message.startswith("wrong encoding")
    assert Specialist.objects.count() == 1


def test_a_dry_run_counts_and_writes_nothing(year):
    import_rows(specialist_row(1))

    report = import_rows(specialist_row(1, capacity_days="50"), specialist_row(2), dry_run=True)

    assert (report.created, report.updated, report.unchanged, report.dry_run) == (1, 1, 0, True)
    assert Specialist.objects.count() == 1
    assert Capacity.objects.get().days == Decimal("40.0")


def test_a_file_beyond_the_row_cap_is_refused_where_the_cap_is_passed(year):
    report = import_rows(*(specialist_row(number) for number in range(6)), most_rows=5)

    assert messages(report) == [
        "line 7: the file has more than 5 rows: import at most 5 rows at a time, splitting the file if need be"
    ]
    assert not Specialist.objects.exists()


def test_a_thousand_specialists_take_a_few_queries(year, django_assert_max_num_queries):
    data = specialists_csv([specialist_row(number) for number in range(1_000)])

    # A savepoint and its release, ICBs, years, specialists, capacities, the inserts.
    with django_assert_max_num_queries(8):
        report = specialists_import(data=data)
    assert report.created == 1_000

    data = specialists_csv(
        [specialist_row(number, employer="Another Trust", capacity_days="41") for number in range(1_000)]
    )
    with django_assert_max_num_queries(8):
        report = specialists_import(data=data)
    assert report.updated == 1_000
    assert set(Capacity.objects.values_list("days", flat=True)) == {Decimal("41.0")}


# The command


def run(*args) -> tuple[str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("import_specialists", *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


@pytest.fixture
def path(tmp_path):
    def path(data: bytes) -> str:
        file = tmp_path / "specialists.csv"
        file.write_bytes(data)
        return str(file)

    return path


def test_the_command_imports_and_prints_the_counts(year, path):
    file = path(specialists_csv([specialist_row(1), specialist_row(2)]))

    assert run(file) == ("specialists: 2 created, 0 updated, 0 unchanged\n", "")
    assert run(file, "--dry-run") == (
        "specialists: 0 created, 0 updated, 2 unchanged\ndry run: nothing written\n",
        "",
    )


def test_the_command_prints_every_bad_row_and_fails(year, path):
    file = path(specialists_csv([specialist_row(1, email="x"), specialist_row(2), specialist_row(3, active="?")]))
    stderr = io.StringIO()

    with pytest.raises(
        CommandError, match=r"nothing was imported: 2 problems on 2 lines of .*specialists\.csv"
    ) as failure:
        call_command("import_specialists", file, stdout=io.StringIO(), stderr=stderr)

    assert failure.value.returncode == 1
    assert stderr.getvalue().splitlines() == [
        "line 2: email “x” is not an e-mail address",
        "line 4: active “?” is not yes or no",
    ]
    assert not Specialist.objects.exists()


def test_the_command_places_every_row_in_one_icb(year, path):
    file = path(specialists_csv([specialist_row(1, icb_ods_code="")]))

    run(file, "--icb", "qxu")

    assert Specialist.objects.get().icb.ods_code == "QXU"


def test_the_command_refuses_an_unknown_icb(path):
    with pytest.raises(CommandError, match="--icb: no ICB has the ODS code “QZZ”"):
        run(path(specialists_csv([specialist_row()])), "--icb", "QZZ")


def test_the_command_refuses_more_than_10000_rows(year, path):
    file = path(specialists_csv([specialist_row(number) for number in range(10_001)]))
    stderr = io.StringIO()

    with pytest.raises(CommandError, match="nothing was imported: 1 problem on 1 line"):
        call_command("import_specialists", file, stdout=io.StringIO(), stderr=stderr)

    assert stderr.getvalue() == (
        "line 10002: the file has more than 10,000 rows: "
        "import at most 10,000 rows at a time, splitting the file if need be\n"
    )
    assert not Specialist.objects.exists()


# A coordinator's upload, for their own ICB


def upload(client, world, rows, **fields):
    return client.post(
        reverse("specialists:upload", args=[world.icb_a.ods_code]),
        {"file": SimpleUploadedFile("specialists.csv", specialists_csv(rows)), **fields},
    )


@pytest.mark.usefixtures("during_term")
@pytest.mark.parametrize("dry_run", [{}, {"dry_run": "on"}])
def test_an_upload_naming_another_icbs_specialist_says_only_that(client, world, dry_run):
    client.force_login(world["coordinator_a"])
    row = specialist_row(1, icb_ods_code="", email=world.specialist_b.email.upper(), full_name="Someone Else")

    response = upload(client, world, [row], **dry_run)

    assert response.context["row_errors"] == [
        f"line 2: {world.specialist_b.email.upper()} belongs to another ICB's specialist, so this import cannot "
        "change them: a programme admin moves specialists between ICBs"
    ]
    world.specialist_b.refresh_from_db()
    assert (world.specialist_b.icb, world.specialist_b.full_name) == (world.icb_b, "Bea Beta")


@pytest.mark.usefixtures("during_term")
def test_an_upload_of_more_than_500_specialists_is_refused_saying_the_cap(client, world):
    client.force_login(world["coordinator_a"])
    page = client.get(reverse("specialists:upload", args=[world.icb_a.ods_code])).content.decode()
    assert "At most 500 specialists in one file" in page
    rows = [
        specialist_row(icb_ods_code="", email=f"new{number}@nhs.example.org", programme_year="", capacity_days="")
        for number in range(501)
    ]

    response = upload(client, world, rows)

    assert response.context["row_errors"] == [
        "line 502: the file has more than 500 rows: import at most 500 rows at a time, splitting the file if need be"
    ]
    assert not Specialist.objects.filter(icb=world.icb_a).exclude(pk=world.specialist_a.pk).exists()
