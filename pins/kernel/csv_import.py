"""Reading an uploaded CSV file for an all-or-nothing import: decode it, check its header, and give its rows
with the line numbers a coordinator sees in a text editor (the header is line 1).

Used by the import commands and, later, the upload form: both report problems as (line, message) pairs.
"""

import csv
import dataclasses
import io
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

WRONG_ENCODING = (
    "wrong encoding: save the file as CSV (Comma delimited) or CSV UTF-8, "
    "or use the file exactly as GIAS publishes it (Windows-1252)"
)
UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# Unicode's control characters (C0, DEL, C1) and its line and paragraph separators.
CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


@dataclasses.dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclasses.dataclass
class ImportReport:
    """What an import did, or would have done: nothing at all is written when there are errors."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = dataclasses.field(default_factory=list)
    dry_run: bool = False
    # What a national import moved between ICBs, one line each, printed by the command for its log.
    moves: list[str] = dataclasses.field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def bad_lines(self) -> int:
        return len({error.line for error in self.errors})

    def counts(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


def control_character_problem(column: str, text: str) -> str | None:
    """Why a name cannot be kept as it is: a line break or other control character would break the e-mail
    headers, calendars and exports it goes into."""
    found = CONTROL_CHARACTER.search(text)
    if found is None:
        return None
    character = found.group()
    if character in LINE_BREAKS:
        return f"{column} has a line break in it: write it on one line"
    what = "a tab" if character == "\t" else f"the control character U+{ord(character):04X}"
    return f"{column} has {what} in it: remove it"


def _line_of(data: bytes, position: int) -> int:
    return data.count(b"\n", 0, position) + 1


def csv_decode(data: bytes) -> tuple[str, RowError | None]:
    """The file's text: UTF-8 (with or without the BOM Excel writes) or Windows-1252 (as GIAS publishes).
    Anything else, such as UTF-16 or a mix of encodings, is refused with the line where it shows."""
    if data.startswith(UTF16_BOMS):
        return "", RowError(1, WRONG_ENCODING)
    if (nul := data.find(b"\x00")) != -1:
        # NUL bytes never occur in a text CSV; every other character of a UTF-16 file is one.
        return "", RowError(_line_of(data, nul), WRONG_ENCODING)
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        not_utf8_at = error.start
    if not data.startswith(UTF8_BOM) and data[:not_utf8_at].isascii():
        try:
            return data.decode("cp1252"), None
        except UnicodeDecodeError as error:
            return "", RowError(_line_of(data, error.start), WRONG_ENCODING)
    # Valid UTF-8 up to here, then not: a file saved in two encodings, which would decode to garbled names.
    return "", RowError(_line_of(data, not_utf8_at), WRONG_ENCODING)


class _NumberedLines:
    """The file's lines, remembering the line each CSV record starts on (a quoted value may span lines)."""

    def __init__(self, text: str):
        self._lines = io.StringIO(text, newline="")
        self.number = 0
        self.record_starts: int | None = None

    def __iter__(self) -> "_NumberedLines":
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.number += 1
        if self.record_starts is None and line.strip("\r\n"):
            self.record_starts = self.number
        return line


class CsvFile:
    """An uploaded CSV file with a header row. `errors` lists the problems found so far: the file's own
    (encoding, header) at once, and rows with the wrong number of values as `rows()` reaches them.
    `most_rows` bounds the work: `rows()` stops with an error at the first row beyond it."""

    def __init__(
        self, data: bytes, *, required: Sequence[str], optional: Sequence[str] = (), most_rows: int | None = None
    ):
        self.errors: list[RowError] = []
        self.columns: list[str] = []
        self._wanted = [*required, *optional]
        self._most_rows = most_rows
        text, encoding_error = csv_decode(data)
        if encoding_error:
            self.errors.append(encoding_error)
            return
        self._lines = _NumberedLines(text)
        self._reader = csv.reader(self._lines)
        try:
            header = next(self._reader, None)
        except csv.Error as error:
            self.errors.append(RowError(1, f"the header row cannot be read as CSV ({error})"))
            return
        if not header or not any(name.strip() for name in header):
            needed = ", ".join(required)
            self.errors.append(RowError(1, f"the file has no header row: it needs the columns {needed}"))
            return
        self.columns = [name.strip() for name in header]
        for name in sorted({name for name in self.columns if name and self.columns.count(name) > 1}):
            self.errors.append(RowError(1, f"column “{name}” appears more than once"))
        for name in required:
            if name not in self.columns:
                self.errors.append(RowError(1, f"missing column “{name}”"))

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """Each data row as (line number, {column: stripped value}) for the columns asked for; a column
        the file lacks reads as empty. Nothing is given when the file itself has errors."""
        if self.errors:
            return
        positions = {name: self.columns.index(name) for name in self._wanted if name in self.columns}
        rows_read = 0
        while True:
            self._lines.record_starts = None
            try:
                values = next(self._reader)
            except StopIteration:
                return
            except csv.Error as error:
                self.errors.append(RowError(self._lines.record_starts or self._lines.number, str(error)))
                continue
            if not values:  # a blank line
                continue
            line = self._lines.record_starts or self._lines.number
            if len(values) != len(self.columns):
                self.errors.append(
                    RowError(
                        line,
                        f"has {len(values)} values where the header has {len(self.columns)} columns: "
                        "check for a comma in a value that is not inside quotes",
                    )
                )
                continue
            rows_read += 1
            if self._most_rows is not None and rows_read > self._most_rows:
                self.errors.append(
                    RowError(
                        line,
                        f"the file has more than {self._most_rows:,} rows: "
                        f"import at most {self._most_rows:,} rows at a time, splitting the file if need be",
                    )
                )
                return
            yield (
                line,
                {name: values[positions[name]].strip() if name in positions else "" for name in self._wanted},
            )


# For the import commands.


def command_file_bytes(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise CommandError(f"cannot read {path}: {error.strerror}") from None


def command_report(command: BaseCommand, report: ImportReport, *, kind: str, path: str) -> None:
    """Print the counts, or every error as "line N: reason" on stderr and fail with a non-zero status."""
    if not report.ok:
        for error in report.errors:
            command.stderr.write(str(error))
        problems, lines = len(report.errors), report.bad_lines
        raise CommandError(
            f"nothing was imported: {problems} problem{'s' * (problems != 1)} "
            f"on {lines} line{'s' * (lines != 1)} of {path}"
        )
    command.stdout.write(f"{kind}: {report.counts()}")
    for move in report.moves:
        command.stdout.write(move)
    if report.dry_run:
        command.stdout.write("dry run: nothing written")
