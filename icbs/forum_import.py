"""Loading parent carer forums from a CSV file, all or nothing: by command (`manage.py import_forums`) or upload.

Columns: name, local_authority_codes (the DfE codes of the authorities it covers, separated by spaces or
semicolons), email, phone. A forum is matched by its name: a row for a forum already known replaces its
authorities and contact details.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from icbs.models import LocalAuthority, ParentCarerForum
from pins.kernel.csv_import import CsvFile, ImportReport, RowError, control_character_problem
from pins.kernel.history import acting

FORUM_COLUMNS = ("name", "local_authority_codes", "email", "phone")
REQUIRED_COLUMNS = ("name", "local_authority_codes")
MOST_ROWS = 1_000
PHONE = re.compile(r"^[0-9+() ]{6,30}$")


@transaction.atomic
def forums_import(*, data: bytes, by=None, dry_run: bool = False, most_rows: int = MOST_ROWS) -> ImportReport:
    """Create or update a forum for each row. When any row is bad, every bad row is reported, nothing written."""
    report = ImportReport(dry_run=dry_run)
    file = CsvFile(data, required=REQUIRED_COLUMNS, optional=("email", "phone"), most_rows=most_rows)
    if file.errors:
        report.errors = file.errors
        return report
    authorities = {authority.dfe_code: authority for authority in LocalAuthority.objects.all()}
    existing = {forum.name.lower(): forum for forum in ParentCarerForum.objects.prefetch_related("local_authorities")}
    seen: dict[str, int] = {}
    rows, errors = [], []
    for line, row in file.rows():
        problems = []
        name = row["name"]
        if not name:
            problems.append("name is empty")
        elif len(name) > 200:
            problems.append("name is longer than 200 characters")
        elif problem := control_character_problem("name", name):
            problems.append(problem)
        elif name.lower() in seen:
            problems.append(f"the forum {name} appears twice: it is already on line {seen[name.lower()]}")
        seen.setdefault(name.lower(), line)
        codes = [code for code in re.split(r"[;\s]+", row["local_authority_codes"]) if code]
        if not codes:
            problems.append("local_authority_codes is empty: give the DfE code of each authority the forum covers")
        if unknown := [code for code in codes if code not in authorities]:
            problems.append(f"no local authority has the DfE code {', '.join(unknown)}")
        if row["email"]:
            try:
                validate_email(row["email"])
            except ValidationError:
                problems.append(f"email “{row['email']}” is not an e-mail address")
        if row["phone"] and not PHONE.match(row["phone"]):
            problems.append(f"phone “{row['phone']}” is not a telephone number")
        errors.extend(RowError(line, problem) for problem in problems)
        if not problems:
            rows.append((name, sorted({authorities[code].pk for code in codes}), row["email"], row["phone"]))
    errors = sorted([*errors, *file.errors], key=lambda error: error.line)
    if errors:
        report.errors = errors
        return report
    with acting(by, reason="forum import"):
        for name, authority_ids, email, phone in rows:
            forum = existing.get(name.lower())
            if forum is None:
                report.created += 1
                if not dry_run:
                    forum = ParentCarerForum.objects.create(name=name, email=email, phone=phone)
                    forum.local_authorities.set(authority_ids)
                continue
            had = sorted(authority.pk for authority in forum.local_authorities.all())
            if (forum.email, forum.phone, had) == (email, phone, authority_ids):
                report.unchanged += 1
                continue
            report.updated += 1
            if not dry_run:
                forum.email, forum.phone = email, phone
                forum.save(update_fields=["email", "phone"])
                forum.local_authorities.set(authority_ids)
    return report
