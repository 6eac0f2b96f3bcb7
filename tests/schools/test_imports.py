import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import DatabaseError
from django.urls import reverse

from icbs.models import ICB, LocalAuthority
from icbs.services import reference_data_load
from pins.kernel.csv_import import RowError
from schools.imports import GIAS_COLUMNS, area_map_read, schools_import
from schools.models import School
from tests.factories import EnrolmentFactory, ICBFactory, UserFactory
from tests.gias import COLUMNS, gias_csv, gias_row, gias_rows

pytestmark = pytest.mark.django_db

SURREY_LSOA = "E01030800"


@pytest.fixture(autouse=True)
def reference_data():
    """The real 42 ICBs and 153 local authorities: Leeds (383) lies in West Yorkshire (QWO), Surrey (936)
    is split between Surrey Heartlands (QXU) and Frimley (QNQ)."""
    reference_data_load()


@pytest.fixture(scope="module")
def ten_thousand_schools() -> bytes:
    return gias_csv(gias_rows(10_000))


def icb(code: str) -> ICB:
    return ICB.objects.get(ods_code=code)


def messages(report) -> list[str]:
    return [str(error) for error in report.errors]


def import_one(**values):
    return schools_import(data=gias_csv([gias_row(107654, **values)]))


def test_imports_ten_thousand_schools_and_again_without_duplicates(ten_thousand_schools):
    first = schools_import(data=ten_thousand_schools)

    assert first.errors == []
    assert (first.created, first.updated, first.unchanged) == (10_000, 0, 0)
    assert School.objects.count() == 10_000

    again = schools_import(data=ten_thousand_schools)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 10_000)
    assert School.objects.count() == 10_000


def test_a_few_bad_rows_among_ten_thousand_import_nothing_and_each_is_reported():
    rows = gias_rows(10_000)
    rows[9] = gias_row(12345)  # line 11
    rows[4_999]["Postcode"] = "not a postcode"  # line 5,001
    rows[9_999]["OpenDate"] = "2010-09-01"  # line 10,001
    # A valid row naming a new local authority: it must not be created either.
    rows[100] = gias_row(199999, LA_code="999", LA_name="Testborough", GSSLACode_name="E06999999")
    schools_before, authorities_before = School.objects.count(), LocalAuthority.objects.count()

    report = schools_import(data=gias_csv(rows), icb=icb("QWO"))

    assert messages(report) == [
        "line 11: URN “12345” is not a URN: a URN has six digits, like 107654",
        "line 5001: Postcode “not a postcode” is not a UK postcode",
        "line 10001: OpenDate “2010-09-01” is not a date written day-month-year, like 01-09-2010",
    ]
    assert (report.created, report.updated, report.unchanged) == (0, 0, 0)
    assert School.objects.count() == schools_before
    assert LocalAuthority.objects.count() == authorities_before
    assert not LocalAuthority.objects.filter(dfe_code="999").exists()


def test_a_failure_while_writing_undoes_the_new_authorities_too(monkeypatch):
    def lose_the_connection(*args, **kwargs):
        raise DatabaseError("server closed the connection unexpectedly")

    monkeypatch.setattr(School.objects, "bulk_create", lose_the_connection)
    data = gias_csv([gias_row(107654, LA_code="999", LA_name="Testborough")])

    with pytest.raises(DatabaseError):
        schools_import(data=data, icb=icb("QWO"))

    assert not LocalAuthority.objects.filter(dfe_code="999").exists()


def test_a_bad_row_leaves_existing_schools_as_they_were():
    schools_import(data=gias_csv([gias_row(107654, EstablishmentName="Old Name")]))

    report = schools_import(
        data=gias_csv([gias_row(107654, EstablishmentName="New Name"), gias_row(107655, Postcode="XX")])
    )

    assert messages(report) == ["line 3: Postcode “XX” is not a UK postcode"]
    assert School.objects.get().name == "Old Name"


def test_a_row_becomes_a_school_with_every_value():
    report = schools_import(
        data=gias_csv(
            [
                gias_row(
                    100000,
                    LA_code="201",
                    LA_name="City of London",
                    EstablishmentNumber="3614",
                    EstablishmentName="Sir John Cass's Foundation Primary School",
                    Postcode=" ec3a  5de ",
                    LSOA_code="e01000005",
                    OpenDate="01-09-1950",
                    CloseDate="31/08/2030",
                )
            ]
        )
    )

    assert report.errors == []
    school = School.objects.get(urn=100000)
    assert school.dfe_number == "2013614"
    assert school.name == "Sir John Cass's Foundation Primary School"
    assert school.local_authority.dfe_code == "201"
    assert school.icb.ods_code == "QMF"
    assert (school.phase, school.type, school.status) == ("Primary", "Community school", "Open")
    assert (school.street, school.town, school.postcode) == ("School Lane", "Leeds", "EC3A 5DE")
    assert (school.easting, school.northing, school.lsoa_code) == (430000, 433000, "E01000005")
    assert (school.statutory_low_age, school.statutory_high_age, school.pupil_count) == (3, 11, 250)
    assert (school.opened_on, school.closed_on) == (datetime.date(1950, 9, 1), datetime.date(2030, 8, 31))


def test_empty_values_are_left_empty():
    report = import_one(
        NumberOfPupils="", Easting="", Northing="", StatutoryLowAge="", OpenDate="", Postcode="", LSOA_code=""
    )

    assert report.errors == []
    school = School.objects.get()
    assert (school.pupil_count, school.easting, school.northing, school.statutory_low_age) == (None,) * 4
    assert (school.opened_on, school.closed_on, school.postcode, school.lsoa_code) == (None, None, "", "")


def test_postcodes_are_written_in_capitals_with_one_space():
    schools_import(data=gias_csv([gias_row(107654, Postcode="ls14ap"), gias_row(107655, Postcode="sw1a 1aa")]))

    assert set(School.objects.values_list("postcode", flat=True)) == {"LS1 4AP", "SW1A 1AA"}


def test_a_changed_school_is_updated_and_the_rest_left_unchanged():
    rows = gias_rows(3)
    schools_import(data=gias_csv(rows))
    rows[1]["EstablishmentName"] = "Renamed Primary Academy"
    rows[1]["EstablishmentStatus (name)"] = "Open, but proposed to close"

    report = schools_import(data=gias_csv(rows))

    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    school = School.objects.get(urn=int(rows[1]["URN"]))
    assert (school.name, school.status) == ("Renamed Primary Academy", "Open, but proposed to close")


def test_an_enrolled_school_is_updated_in_place():
    EnrolmentFactory(school__urn=107654, school__name="Old Name")

    report = import_one(EstablishmentName="New Name")

    assert (report.created, report.updated) == (0, 1)
    school = School.objects.get(urn=107654)
    assert school.name == "New Name"
    assert school.enrolments.count() == 1


def test_a_new_local_authority_is_created_without_an_icb():
    report = schools_import(
        data=gias_csv([gias_row(107654, LA_code="999", LA_name="Testborough", GSSLACode_name="E06999999")]),
        icb=icb("QWO"),
    )

    assert report.errors == []
    testborough = LocalAuthority.objects.get(dfe_code="999")
    assert (testborough.name, testborough.ons_code, testborough.icb) == ("Testborough", "E06999999", None)
    assert School.objects.get().local_authority == testborough


# Placing schools in ICBs


def test_a_school_is_placed_in_its_local_authoritys_icb():
    import_one(LA_code="383", LA_name="Leeds")

    assert School.objects.get().icb.ods_code == "QWO"


def test_icb_places_every_school_in_it_of_a_split_or_new_authority():
    rows = [gias_row(107654, LA_code="999", LA_name="Testborough"), gias_row(107655, LA_code="936", LA_name="Surrey")]

    report = schools_import(data=gias_csv(rows), icb=icb("QXU"))

    assert report.errors == []
    assert set(School.objects.values_list("icb__ods_code", flat=True)) == {"QXU"}


def test_a_split_authoritys_school_is_placed_by_its_lsoa_in_the_map():
    rows = [
        gias_row(107654, LA_code="936", LA_name="Surrey", LSOA_code=SURREY_LSOA),
        gias_row(107655, LA_code="936", LA_name="Surrey", LSOA_code="E01030900"),
    ]

    report = schools_import(data=gias_csv(rows), area_map={SURREY_LSOA: icb("QNQ"), "936": icb("QXU")})

    assert report.errors == []
    assert School.objects.get(urn=107654).icb.ods_code == "QNQ"  # its LSOA wins over its authority
    assert School.objects.get(urn=107655).icb.ods_code == "QXU"


def test_the_map_by_la_code_wins_over_the_authoritys_own_icb():
    import_one(LA_code="383")
    report = schools_import(data=gias_csv([gias_row(107654, LA_code="383")]), area_map={"383": icb("QWO")})
    assert report.unchanged == 1

    schools_import(data=gias_csv([gias_row(107654, LA_code="383")]), area_map={"383": icb("QOQ")})

    assert School.objects.get().icb.ods_code == "QOQ"


def test_a_split_authoritys_school_without_a_map_is_a_bad_row():
    report = import_one(LA_code="936", LA_name="Surrey", LSOA_code=SURREY_LSOA)

    assert messages(report) == [
        "line 2: Surrey (936) is split between ICBs (QXU Surrey Heartlands ICB; QNQ Frimley ICB), "
        "so its schools cannot be placed by local authority: "
        f"use --icb, or --map with this school's LSOA code {SURREY_LSOA}"
    ]
    assert not School.objects.exists()


def test_a_new_authoritys_school_without_icb_or_map_is_a_bad_row():
    report = import_one(LA_code="999", LA_name="Testborough")

    assert messages(report) == ["line 2: Testborough (999) is not in any ICB the service knows: use --icb or --map"]
    assert not LocalAuthority.objects.filter(dfe_code="999").exists()


# An import for one ICB never takes over another ICB's school


def surrey_school(urn: int, **values: str) -> dict[str, str]:
    """A school of Surrey, an authority split between Surrey Heartlands (QXU) and Frimley (QNQ)."""
    return gias_row(urn, LA_code="936", LA_name="Surrey", **values)


def test_an_import_for_one_icb_refuses_another_icbs_school_and_writes_nothing():
    schools_import(data=gias_csv([surrey_school(107655)]), icb=icb("QXU"))
    rows = [surrey_school(107654), surrey_school(107655, EstablishmentName="Taken Over Primary School")]

    report = schools_import(data=gias_csv(rows), icb=icb("QNQ"))

    assert messages(report) == [
        "line 3: URN 107655 is a school of another ICB, so this import cannot change it: "
        "a programme admin moves schools between ICBs"
    ]
    assert School.objects.values_list("urn", "name", "icb__ods_code").get() == (
        107655,
        "Test Primary School 107655",
        "QXU",
    )


def test_a_dry_run_for_one_icb_refuses_another_icbs_school_too():
    schools_import(data=gias_csv([surrey_school(107655)]), icb=icb("QXU"))

    report = schools_import(data=gias_csv([surrey_school(107655)]), icb=icb("QNQ"), dry_run=True)

    assert [error.line for error in report.errors] == [2]
    assert "another ICB" in report.errors[0].message


def test_an_import_for_one_icb_updates_its_own_schools():
    schools_import(data=gias_csv([surrey_school(107655)]), icb=icb("QXU"))

    report = schools_import(data=gias_csv([surrey_school(107655, EstablishmentName="Renamed")]), icb=icb("QXU"))

    assert (report.updated, report.errors) == (1, [])
    assert School.objects.get().name == "Renamed"


def test_an_import_for_one_icb_cannot_add_a_school_of_an_authority_wholly_in_another_icb():
    report = schools_import(data=gias_csv([gias_row(107654, LA_code="383", LA_name="Leeds")]), icb=icb("QXU"))

    assert messages(report) == [
        "line 2: URN 107654 is a school of Leeds (383), a local authority of another ICB, so this import cannot add it"
    ]
    assert not School.objects.exists()


def test_the_national_import_moves_a_school_between_icbs_and_lists_the_move():
    import_one(LA_code="383")

    report = schools_import(data=gias_csv([gias_row(107654, LA_code="383")]), area_map={"383": icb("QOQ")})

    assert report.errors == []
    assert report.moves == ["URN 107654 Test Primary School 107654: Moved from ICB QWO to QOQ"]
    assert School.objects.get().icb.ods_code == "QOQ"


# History


def test_every_school_written_gets_a_history_event_and_an_unchanged_one_none():
    rows = gias_rows(3)
    schools_import(data=gias_csv(rows))
    rows[0]["EstablishmentName"] = "Renamed Primary School"

    schools_import(data=gias_csv(rows))

    renamed = School.objects.get(urn=int(rows[0]["URN"]))
    assert [(event.pgh_label, event.name) for event in renamed.history_events.order_by("pgh_id")] == [
        ("insert", f"Test Primary School {rows[0]['URN']}"),
        ("update", "Renamed Primary School"),
    ]
    events = School.pgh_event_model.objects.all()
    assert len(events) == 4
    assert {event.pgh_context["reason"] for event in events} == {"GIAS import"}


def test_a_move_shows_in_the_history_with_who_moved_it():
    admin = UserFactory()
    import_one(LA_code="383")

    schools_import(data=gias_csv([gias_row(107654, LA_code="383")]), area_map={"383": icb("QOQ")}, by=admin)

    before, latest = School.objects.get().history_events.order_by("pgh_id")
    assert (latest.pgh_label, latest.user_id, latest.pgh_context["reason"]) == ("update", admin.pk, "GIAS import")
    assert (before.icb.ods_code, latest.icb.ods_code) == ("QWO", "QOQ")


def test_a_dry_run_writes_no_history():
    schools_import(data=gias_csv(gias_rows(2)), dry_run=True)

    assert not School.pgh_event_model.objects.exists()


# Bad input: each reported with its line and a reason


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"URN": "10765"}, "URN “10765” is not a URN: a URN has six digits, like 107654"),
        ({"URN": "1076540"}, "URN “1076540” is not a URN: a URN has six digits, like 107654"),
        ({"URN": "URN-1"}, "URN “URN-1” is not a URN: a URN has six digits, like 107654"),
        ({"URN": ""}, "URN “” is not a URN: a URN has six digits, like 107654"),
        ({"LA_code": "38"}, "LA (code) “38” is not a DfE local authority code: three digits, like 383"),
        ({"LA_code": "E08000035"}, "LA (code) “E08000035” is not a DfE local authority code: three digits"),
        (
            {"LA_code": "999", "LA_name": ""},
            "LA (code) 999 is not a local authority the service knows, and LA (name) is empty",
        ),
        ({"EstablishmentNumber": "36"}, "EstablishmentNumber “36” is not four digits"),
        ({"EstablishmentName": ""}, "EstablishmentName is empty"),
        ({"EstablishmentName": "A" * 201}, "EstablishmentName is longer than 200 characters"),
        ({"Postcode": "LS1"}, "Postcode “LS1” is not a UK postcode"),
        ({"Postcode": "12345"}, "Postcode “12345” is not a UK postcode"),
        ({"NumberOfPupils": "about 200"}, "NumberOfPupils “about 200” is not a whole number"),
        ({"NumberOfPupils": "-5"}, "NumberOfPupils “-5” is not a whole number"),
        ({"Easting": "430000.5"}, "Easting “430000.5” is not a whole number"),
        ({"StatutoryHighAge": "110"}, "StatutoryHighAge “110” is more than 99"),
        ({"OpenDate": "31-02-2010"}, "OpenDate “31-02-2010” is not a date written day-month-year"),
        ({"CloseDate": "next year"}, "CloseDate “next year” is not a date written day-month-year"),
        (
            {"OpenDate": "01-09-2010", "CloseDate": "31-08-2010"},
            "CloseDate 31-08-2010 is before OpenDate 01-09-2010",
        ),
        ({"LSOA_code": "Leeds 111B"}, "LSOA (code) “Leeds 111B” is not an LSOA code like E01011229"),
    ],
)
def test_a_bad_value_is_reported_with_its_line(values, message):
    rows = [gias_row(107650), gias_row(107654, **values), gias_row(107655)]

    report = schools_import(data=gias_csv(rows))

    assert len(report.errors) == 1
    assert report.errors[0].line == 3
    assert report.errors[0].message.startswith(message)
    assert not School.objects.exists()


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("St Mary’s\nPrimary", "has a line break in it: write it on one line"),
        ("St Mary’s\rPrimary", "has a line break in it: write it on one line"),
        ("St Mary’s\u2028Primary", "has a line break in it: write it on one line"),
        ("St Mary’s\x85Primary", "has a line break in it: write it on one line"),
        ("St Mary’s\tPrimary", "has a tab in it: remove it"),
        ("St Mary’s\x1bPrimary", "has the control character U+001B in it: remove it"),
        ("St Mary’s\x7fPrimary", "has the control character U+007F in it: remove it"),
    ],
)
def test_a_name_with_a_control_character_is_reported_with_its_line(name, problem):
    rows = [gias_row(107650), gias_row(107654, EstablishmentName=name)]

    report = schools_import(data=gias_csv(rows, encoding="utf-8"))

    assert messages(report) == [f"line 3: EstablishmentName {problem}"]
    assert not School.objects.exists()


def test_a_new_authoritys_name_with_a_control_character_is_reported():
    rows = [gias_row(107654, LA_code="999", LA_name="Test\nborough")]

    report = schools_import(data=gias_csv(rows, encoding="utf-8"), icb=icb("QWO"))

    assert messages(report) == ["line 2: LA (name) has a line break in it: write it on one line"]
    assert not LocalAuthority.objects.filter(dfe_code="999").exists()


def test_a_nul_in_a_name_is_refused_with_its_line():
    rows = [gias_row(107650), gias_row(107654, EstablishmentName="St Mary’s\x00Primary")]

    report = schools_import(data=gias_csv(rows, encoding="utf-8"))

    assert [str(error)[:22] for error in report.errors] == ["line 3: wrong encoding"]
    assert not School.objects.exists()


def test_every_problem_of_a_row_is_reported():
    report = import_one(Postcode="nowhere", NumberOfPupils="lots", CloseDate="soon")

    assert messages(report) == [
        "line 2: NumberOfPupils “lots” is not a whole number",
        "line 2: CloseDate “soon” is not a date written day-month-year, like 01-09-2010",
        "line 2: Postcode “nowhere” is not a UK postcode",
    ]


def test_a_urn_twice_in_the_file_is_reported_on_the_later_line_naming_the_earlier():
    rows = [gias_row(107654), gias_row(107655), gias_row(107654)]

    report = schools_import(data=gias_csv(rows))

    assert messages(report) == ["line 4: URN 107654 appears twice: it is already on line 2"]


def test_a_new_authority_named_two_ways_is_reported():
    rows = [
        gias_row(107654, LA_code="999", LA_name="Testborough"),
        gias_row(107655, LA_code="999", LA_name="X"),
    ]

    report = schools_import(data=gias_csv(rows), icb=icb("QWO"))

    assert messages(report) == ["line 3: LA (name) “X” differs from “Testborough” given for LA 999 on line 2"]


def test_every_missing_column_is_named():
    columns = [column for column in COLUMNS if column not in {"URN", "LA (code)", "Postcode"}]

    report = schools_import(data=gias_csv(gias_rows(2), columns=columns))

    assert messages(report) == [
        "line 1: missing column “URN”",
        "line 1: missing column “LA (code)”",
        "line 1: missing column “Postcode”",
    ]


def test_only_the_columns_read_are_needed():
    report = schools_import(data=gias_csv(gias_rows(2), columns=list(GIAS_COLUMNS)))

    assert report.errors == []
    assert report.created == 2


def test_an_empty_file_is_refused():
    report = schools_import(data=b"")

    assert messages(report) == [f"line 1: the file has no header row: it needs the columns {', '.join(GIAS_COLUMNS)}"]


def test_a_row_with_too_many_values_is_reported():
    data = gias_csv(gias_rows(2)) + b"107654,383,Leeds,2001,St Peter, Paul and John School\r\n"

    report = schools_import(data=data)

    assert messages(report) == [
        f"line 4: has 6 values where the header has {len(COLUMNS)} columns: "
        "check for a comma in a value that is not inside quotes"
    ]


def test_line_numbers_count_lines_within_quoted_values_and_skip_blank_lines():
    rows = [
        gias_row(107654, Street="Unit 2\r\nSchool Lane"),
        gias_row(107655),
        gias_row(107656, Postcode="X"),
    ]
    data = gias_csv(rows).replace(b"\r\n107655", b"\r\n\r\n107655")

    report = schools_import(data=data)

    # Header 1, the school with a two-line street 2-3, a blank line 4, 107655 on 5, 107656 on 6.
    assert messages(report) == ["line 6: Postcode “X” is not a UK postcode"]


# Encodings


def test_names_in_windows_1252_keep_their_accents_and_apostrophes():
    names = ["St Mary’s C of E Primary School", "École Jacques Prévert", "Ysgol Gymraeg Llundain – London"]
    rows = [gias_row(107654 + number, EstablishmentName=name) for number, name in enumerate(names)]

    report = schools_import(data=gias_csv(rows, encoding="cp1252"))

    assert report.errors == []
    assert sorted(School.objects.values_list("name", flat=True)) == sorted(names)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8"])
def test_utf_8_with_or_without_a_bom_is_accepted(encoding):
    data = gias_csv([gias_row(107654, EstablishmentName="St Mary’s Primary")], encoding=encoding)

    report = schools_import(data=data)

    assert report.errors == []
    assert School.objects.get().name == "St Mary’s Primary"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf_16_is_refused(encoding):
    report = schools_import(data=gias_csv(gias_rows(3), encoding=encoding))

    assert [error.line for error in report.errors] == [1]
    assert report.errors[0].message.startswith("wrong encoding")
    assert not School.objects.exists()


def test_a_byte_no_encoding_knows_is_refused_with_its_line():
    data = gias_csv(gias_rows(3)).replace(b"Test Primary School 200001", b"Test Primary School \x81")

    report = schools_import(data=data)

    assert [str(error)[:22] for error in report.errors] == ["line 3: wrong encoding"]


def test_a_file_in_two_encodings_is_refused_where_the_second_starts():
    rows = [gias_row(107654, EstablishmentName="St Mary’s"), gias_row(107655, EstablishmentName="St Ann’s")]
    utf_8 = gias_csv(rows, encoding="utf-8")
    mixed = utf_8.replace("St Ann’s".encode(), "St Ann’s".encode("cp1252"))

    report = schools_import(data=mixed)

    assert [str(error)[:22] for error in report.errors] == ["line 3: wrong encoding"]


# Dry run and batching


def test_a_dry_run_counts_and_writes_nothing():
    schools_import(data=gias_csv(gias_rows(2)))
    rows = gias_rows(3)
    rows[0]["EstablishmentName"] = "Renamed"
    rows.append(gias_row(107654, LA_code="999", LA_name="Testborough"))

    report = schools_import(data=gias_csv(rows), icb=icb("QWO"), dry_run=True)

    assert report.errors == []
    assert (report.created, report.updated, report.unchanged, report.dry_run) == (2, 1, 1, True)
    assert School.objects.count() == 2
    assert School.objects.filter(name="Renamed").count() == 0
    assert not LocalAuthority.objects.filter(dfe_code="999").exists()


def test_a_file_beyond_the_row_cap_is_refused_where_the_cap_is_passed():
    report = schools_import(data=gias_csv(gias_rows(11)), most_rows=10)

    assert messages(report) == [
        "line 12: the file has more than 10 rows: import at most 10 rows at a time, splitting the file if need be"
    ]
    assert not School.objects.exists()


def test_a_file_at_the_row_cap_is_imported():
    report = schools_import(data=gias_csv(gias_rows(10)), most_rows=10)

    assert (report.errors, report.created) == ([], 10)


def test_a_thousand_schools_take_a_few_queries(django_assert_max_num_queries):
    rows = gias_rows(1_000)
    rows[0] = gias_row(107654, LA_code="999", LA_name="Testborough")
    data, west_yorkshire = gias_csv(rows), icb("QWO")

    # A savepoint and its release, the authorities, the existing schools, the new authority, the upsert (whose
    # triggers write the history).
    with django_assert_max_num_queries(6):
        report = schools_import(data=data, icb=west_yorkshire)
    assert report.created == 1_000

    for row in rows:
        row["NumberOfPupils"] = "251"
    data = gias_csv(rows)
    with django_assert_max_num_queries(5):
        report = schools_import(data=data, icb=west_yorkshire)
    assert report.updated == 1_000


# The map file


def map_csv(text: str) -> bytes:
    return ("area_code,icb_ods_code\r\n" + text).encode()


def test_a_map_reads_la_and_lsoa_codes():
    area_map = area_map_read(data=map_csv("936,qxu\r\ne01030800,QNQ\r\n"))

    assert area_map.errors == []
    assert {area: icb.ods_code for area, icb in area_map.icbs.items()} == {"936": "QXU", SURREY_LSOA: "QNQ"}


def test_every_bad_map_line_is_reported():
    ended = ICBFactory(ods_code="QZ1", ended_on=datetime.date(2026, 1, 1), successor=icb("QXU"))

    area_map = area_map_read(data=map_csv(f"936,QXU\r\n93,QXU\r\nE01030800,QZZ\r\n936,QNQ\r\n383,{ended.ods_code}\r\n"))

    assert [str(error) for error in area_map.errors] == [
        "line 3: area code “93” is neither a DfE LA code (three digits, like 383) nor an LSOA code (like E01011229)",
        "line 4: no ICB has the ODS code “QZZ”",
        "line 5: area 936 is already mapped on line 2",
        "line 6: ICB QZ1 ended on 1 January 2026 and was replaced by QXU Surrey Heartlands: use QXU",
    ]
    assert area_map.icbs == {}


def test_a_map_without_its_columns_is_refused():
    area_map = area_map_read(data=b"area,icb\r\n936,QXU\r\n")

    assert area_map.errors == [
        RowError(1, "missing column “area_code”"),
        RowError(1, "missing column “icb_ods_code”"),
    ]


# The command


@pytest.fixture
def write(tmp_path):
    def write(name: str, data: bytes) -> str:
        path = tmp_path / name
        path.write_bytes(data)
        return str(path)

    return write


def run(*args) -> tuple[str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command("import_schools", *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def test_the_command_imports_and_prints_the_counts(write):
    path = write("gias.csv", gias_csv(gias_rows(3)))

    assert run(path) == ("schools: 3 created, 0 updated, 0 unchanged\n", "")
    assert run(path) == ("schools: 0 created, 0 updated, 3 unchanged\n", "")


def test_the_command_prints_every_bad_row_and_fails(write):
    rows = gias_rows(4)
    rows[1]["URN"] = "1"
    rows[3]["Postcode"] = "nowhere"
    rows[3]["CloseDate"] = "never"
    path = write("gias.csv", gias_csv(rows))
    stderr = io.StringIO()

    with pytest.raises(CommandError, match=r"nothing was imported: 3 problems on 2 lines of .*gias\.csv"):
        call_command("import_schools", path, stdout=io.StringIO(), stderr=stderr)

    assert stderr.getvalue().splitlines() == [
        "line 3: URN “1” is not a URN: a URN has six digits, like 107654",
        "line 5: CloseDate “never” is not a date written day-month-year, like 01-09-2010",
        "line 5: Postcode “nowhere” is not a UK postcode",
    ]
    assert not School.objects.exists()


def test_the_command_fails_with_exit_status_1_on_a_bad_row(write):
    path = write("gias.csv", gias_csv([gias_row(1)]))

    with pytest.raises(CommandError) as failure:
        run(path)

    # From the shell, manage.py prints the CommandError and exits with its return code.
    assert failure.value.returncode == 1


def test_the_command_dry_run_says_nothing_was_written(write):
    path = write("gias.csv", gias_csv(gias_rows(2)))

    assert run(path, "--dry-run") == (
        "schools: 2 created, 0 updated, 0 unchanged\ndry run: nothing written\n",
        "",
    )
    assert not School.objects.exists()


def test_the_command_places_schools_by_icb_and_map(write):
    rows = [
        gias_row(107654, LA_code="936", LA_name="Surrey", LSOA_code=SURREY_LSOA),
        gias_row(107655, LA_code="936", LA_name="Surrey", LSOA_code="E01030900"),
    ]
    path = write("gias.csv", gias_csv(rows))
    map_path = write("map.csv", map_csv(f"936,QXU\r\n{SURREY_LSOA},QNQ\r\n"))

    run(path, "--map", map_path)

    assert dict(School.objects.values_list("urn", "icb__ods_code")) == {107654: "QNQ", 107655: "QXU"}

    run(write("one.csv", gias_csv(rows[:1])), "--icb", "qnq")

    assert School.objects.get(urn=107654).icb.ods_code == "QNQ"


def test_the_command_for_one_icb_refuses_another_icbs_school(write):
    rows = [
        gias_row(107654, LA_code="936", LA_name="Surrey", LSOA_code=SURREY_LSOA),
        gias_row(107655, LA_code="936", LA_name="Surrey", LSOA_code="E01030900"),
    ]
    run(write("gias.csv", gias_csv(rows)), "--map", write("map.csv", map_csv(f"936,QXU\r\n{SURREY_LSOA},QNQ\r\n")))
    rows[1]["EstablishmentName"] = "Taken Over Primary School"
    stderr = io.StringIO()

    with pytest.raises(CommandError, match="nothing was imported: 1 problem on 1 line"):
        call_command("import_schools", write("again.csv", gias_csv(rows)), "--icb", "QNQ", stderr=stderr)

    assert stderr.getvalue().splitlines() == [
        "line 3: URN 107655 is a school of another ICB, so this import cannot change it: "
        "a programme admin moves schools between ICBs"
    ]
    assert School.objects.filter(urn=107655).values_list("name", "icb__ods_code").get() == (
        "Test Primary School 107655",
        "QXU",
    )


def test_the_national_command_moves_a_school_and_prints_the_move(write):
    path = write("gias.csv", gias_csv([gias_row(107654, LA_code="383")]))
    run(path)

    stdout, _ = run(path, "--map", write("map.csv", map_csv("383,QOQ\r\n")))

    assert stdout.splitlines() == [
        "schools: 0 created, 1 updated, 0 unchanged",
        "URN 107654 Test Primary School 107654: Moved from ICB QWO to QOQ",
    ]
    assert School.objects.get().icb.ods_code == "QOQ"


def test_the_command_refuses_an_unknown_icb(write):
    path = write("gias.csv", gias_csv(gias_rows(1)))

    with pytest.raises(CommandError, match="--icb: no ICB has the ODS code “QZZ”"):
        run(path, "--icb", "QZZ")


def test_the_command_reports_bad_map_lines_and_imports_nothing(write):
    path = write("gias.csv", gias_csv([gias_row(107654, LA_code="936", LA_name="Surrey")]))
    map_path = write("map.csv", map_csv("936,QZZ\r\n"))
    stderr = io.StringIO()

    with pytest.raises(CommandError, match=r"the map .*map\.csv has problems: nothing was imported"):
        call_command("import_schools", path, "--map", map_path, stdout=io.StringIO(), stderr=stderr)

    assert stderr.getvalue() == f"{map_path} line 2: no ICB has the ODS code “QZZ”\n"
    assert not School.objects.exists()


def test_the_command_refuses_more_than_30000_rows(write):
    path = write("gias.csv", gias_csv(gias_rows(30_001, first_urn=500_000)))
    stderr = io.StringIO()

    with pytest.raises(CommandError, match="nothing was imported: 1 problem on 1 line"):
        call_command("import_schools", path, stdout=io.StringIO(), stderr=stderr)

    assert stderr.getvalue() == (
        "line 30002: the file has more than 30,000 rows: "
        "import at most 30,000 rows at a time, splitting the file if need be\n"
    )
    assert not School.objects.exists()


def test_the_command_says_when_it_cannot_read_the_file(tmp_path):
    with pytest.raises(CommandError, match=r"cannot read .*missing\.csv: No such file or directory"):
        run(str(tmp_path / "missing.csv"))


# A coordinator's upload, for their own ICB


def upload(client, world, rows, **fields):
    return client.post(
        reverse("schools:upload", args=[world.icb_a.ods_code]),
        {"file": SimpleUploadedFile("schools.csv", gias_csv(rows)), **fields},
    )


def icb_a_row(world, urn: int, **values: str) -> dict[str, str]:
    """A school of ICB A's local authority."""
    authority = world.school_a.local_authority
    return gias_row(urn, LA_code=authority.dfe_code, LA_name=authority.name, **values)


def names_icb_b(response, world) -> bool:
    problems = " ".join(response.context["row_errors"])
    return any(name in problems for name in (world.icb_b.ods_code, world.icb_b.short_name, world.icb_b.name))


def school_b_row(world, **values: str) -> dict[str, str]:
    authority = world.school_b.local_authority
    return gias_row(world.school_b.urn, LA_code=authority.dfe_code, LA_name=authority.name, **values)


@pytest.mark.usefixtures("during_term")
def test_an_upload_naming_another_icbs_school_is_refused_and_its_coordinator_still_sees_it(client, world):
    client.force_login(world["coordinator_a"])

    response = upload(
        client, world, [icb_a_row(world, 140000), school_b_row(world, EstablishmentName="Taken Over School")]
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert f"line 3: URN {world.school_b.urn} is a school of another ICB" in html
    assert not names_icb_b(response, world)
    assert not School.objects.filter(urn=140000).exists()
    world.school_b.refresh_from_db()
    assert (world.school_b.name, world.school_b.icb) == ("Beta Primary School", world.icb_b)
    client.force_login(world["coordinator_b"])
    assert client.get(reverse("schools:detail", args=[world.school_b.urn])).status_code == 200


@pytest.mark.usefixtures("during_term")
def test_a_dry_run_upload_naming_another_icbs_school_does_not_name_the_icb(client, world):
    client.force_login(world["coordinator_a"])

    response = upload(client, world, [school_b_row(world)], dry_run="on")

    assert "is a school of another ICB" in response.content.decode()
    assert not names_icb_b(response, world)


@pytest.mark.usefixtures("during_term")
def test_an_upload_is_in_the_schools_history_with_who_uploaded_it(client, world):
    client.force_login(world["coordinator_a"])
    upload(client, world, [icb_a_row(world, 140000)])

    upload(client, world, [icb_a_row(world, 140000, EstablishmentName="Renamed Primary School")])

    events = School.objects.get(urn=140000).history_events.order_by("pgh_id")
    assert [(event.name, event.icb_id, event.user_id) for event in events] == [
        ("Test Primary School 140000", world.icb_a.pk, world["coordinator_a"].pk),
        ("Renamed Primary School", world.icb_a.pk, world["coordinator_a"].pk),
    ]


@pytest.mark.usefixtures("during_term")
def test_an_upload_of_more_than_2000_schools_is_refused_saying_the_cap(client, world):
    client.force_login(world["coordinator_a"])
    assert (
        "At most 2,000 schools in one file"
        in client.get(reverse("schools:upload", args=[world.icb_a.ods_code])).content.decode()
    )

    response = upload(client, world, [icb_a_row(world, 140000 + number) for number in range(2_001)])

    assert "line 2002: the file has more than 2,000 rows" in response.content.decode()
    assert not School.objects.filter(urn__gte=140000, urn__lt=150000).exists()
