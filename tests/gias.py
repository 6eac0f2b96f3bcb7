"""GIAS establishment exports for tests and the benchmark, written as GIAS publishes them: Windows-1252, CRLF,
GIAS's own column names, and some of the columns an import ignores."""

import csv
import io

COLUMNS = [
    "URN",
    "LA (code)",
    "LA (name)",
    "EstablishmentNumber",
    "EstablishmentName",
    "TypeOfEstablishment (code)",
    "TypeOfEstablishment (name)",
    "EstablishmentStatus (code)",
    "EstablishmentStatus (name)",
    "OpenDate",
    "CloseDate",
    "PhaseOfEducation (code)",
    "PhaseOfEducation (name)",
    "StatutoryLowAge",
    "StatutoryHighAge",
    "NumberOfPupils",
    "Street",
    "Locality",
    "Town",
    "County (name)",
    "Postcode",
    "SchoolWebsite",
    "Easting",
    "Northing",
    "GSSLACode (name)",
    "LSOA (name)",
    "LSOA (code)",
    "UKPRN",
]

# Local authorities that lie in one ICB, for spreading generated schools: (code, name, ONS code).
AUTHORITIES = [
    ("380", "Bradford", "E08000032"),
    ("381", "Calderdale", "E08000033"),
    ("382", "Kirklees", "E08000034"),
    ("383", "Leeds", "E08000035"),
    ("384", "Wakefield", "E08000036"),
]


def gias_row(urn: int, **values: str) -> dict[str, str]:
    """A row for an open community primary school in Leeds, with `values` in place of the defaults (keyword
    names are the columns with spaces and brackets dropped: LA_code="936" sets "LA (code)")."""
    row = {
        "URN": str(urn),
        "LA (code)": "383",
        "LA (name)": "Leeds",
        "EstablishmentNumber": f"{2000 + urn % 8000:04d}",
        "EstablishmentName": f"Test Primary School {urn}",
        "TypeOfEstablishment (code)": "1",
        "TypeOfEstablishment (name)": "Community school",
        "EstablishmentStatus (code)": "1",
        "EstablishmentStatus (name)": "Open",
        "OpenDate": "01-09-1975",
        "CloseDate": "",
        "PhaseOfEducation (code)": "2",
        "PhaseOfEducation (name)": "Primary",
        "StatutoryLowAge": "3",
        "StatutoryHighAge": "11",
        "NumberOfPupils": "250",
        "Street": "School Lane",
        "Locality": "",
        "Town": "Leeds",
        "County (name)": "West Yorkshire",
        "Postcode": "LS1 4AP",
        "SchoolWebsite": "https://www.example.sch.uk",
        "Easting": "430000",
        "Northing": "433000",
        "GSSLACode (name)": "E08000035",
        "LSOA (name)": "Leeds 111B",
        "LSOA (code)": "E01011229",
        "UKPRN": "10000000",
    }
    for key, value in values.items():
        row[_column(key)] = value
    return row


def _column(key: str) -> str:
    for column in COLUMNS:
        if column.replace(" (", "_").replace(")", "") == key:
            return column
    raise KeyError(f"no GIAS column for {key}")


def gias_rows(count: int, *, first_urn: int = 200000) -> list[dict[str, str]]:
    """`count` schools with URNs from `first_urn`, spread over the West Yorkshire authorities."""
    rows = []
    for number in range(count):
        code, name, ons_code = AUTHORITIES[number % len(AUTHORITIES)]
        rows.append(gias_row(first_urn + number, LA_code=code, LA_name=name, GSSLACode_name=ons_code))
    return rows


def gias_csv(rows: list[dict[str, str]], *, encoding: str = "cp1252", columns: list[str] = COLUMNS) -> bytes:
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=columns, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return text.getvalue().encode(encoding)
