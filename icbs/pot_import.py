"""Setting ICBs' funding pots from a CSV file, all or nothing: icb_ods_code, financial_year (2026-27), amount
(in pounds). Each row goes through `pot_set`, so a pot can never be set below what is already awarded from it."""

import re

from django.db import transaction

from icbs.funding import pot_set
from icbs.models import ICB, FundingPot
from pins.kernel.csv_import import CsvFile, ImportReport, RowError
from pins.kernel.errors import RuleBroken
from pins.kernel.money import NotAnAmount, pence_from_pounds, pounds

POT_COLUMNS = ("icb_ods_code", "financial_year", "amount")
MOST_ROWS = 500
YEAR = re.compile(r"^(20[0-9]{2})-([0-9]{2})$")


@transaction.atomic
def pots_import(*, data: bytes, by, dry_run: bool = False) -> ImportReport:
    report = ImportReport(dry_run=dry_run)
    file = CsvFile(data, required=POT_COLUMNS, most_rows=MOST_ROWS)
    if file.errors:
        report.errors = file.errors
        return report
    icbs = {icb.ods_code: icb for icb in ICB.objects.all()}
    pots = {(pot.icb_id, pot.financial_year): pot for pot in FundingPot.objects.all()}
    seen: dict[tuple, int] = {}
    rows, errors = [], []
    for line, row in file.rows():
        problems = []
        icb = icbs.get(row["icb_ods_code"].upper())
        if icb is None:
            problems.append(f"no ICB has the ODS code “{row['icb_ods_code']}”")
        match = YEAR.match(row["financial_year"])
        year = int(match[1]) if match and int(match[2]) == (int(match[1]) + 1) % 100 else None
        if year is None:
            problems.append(f"financial_year “{row['financial_year']}” is not a financial year like 2026-27")
        try:
            pence = pence_from_pounds(row["amount"], label="amount")
        except NotAnAmount as problem:
            problems.append(str(problem))
            pence = None
        if icb and year and (icb.pk, year) in seen:
            problems.append(
                f"the pot for {icb.ods_code} in {row['financial_year']} is already on line {seen[icb.pk, year]}"
            )
        if icb and year:
            seen.setdefault((icb.pk, year), line)
            pot = pots.get((icb.pk, year))
            if pot is not None and pence is not None and pence < pot.awarded_pence:
                problems.append(f"amount is less than the {pounds(pot.awarded_pence)} already awarded from the pot")
        errors.extend(RowError(line, problem) for problem in problems)
        if not problems:
            rows.append((icb, year, pence))
    errors = sorted([*errors, *file.errors], key=lambda error: error.line)
    if errors:
        report.errors = errors
        return report
    for icb, year, pence in rows:
        pot = pots.get((icb.pk, year))
        if pot is None:
            report.created += 1
        elif pot.amount_pence != pence:
            report.updated += 1
        else:
            report.unchanged += 1
            continue
        if not dry_run:
            try:
                pot_set(icb=icb, financial_year=year, amount_pence=pence, by=by)
            except RuleBroken as error:  # an award approved since the file was read
                transaction.set_rollback(True)
                return ImportReport(dry_run=dry_run, errors=[RowError(0, error.message)])
    return report
