"""National parent carer forum funding for programme staff: per region and per ICB, for a financial year, the
pot, what is awarded and paid (from the ledger), and the share of enrolled schools the forums' activities reached;
with CSV and Excel exports, and the whole ledger as CSV. Every figure comes from a grouped query: six in all,
whatever the number of ICBs, awards or payments."""

import dataclasses

from django.contrib.auth.decorators import login_required
from django.db.models import Count, F, Sum
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from icbs.models import Award, ForumActivity, FundingPot, LedgerEntry, signed_amount
from pins.accounts.authorization import Permission
from pins.kernel.money import financial_year_dates, financial_year_label, financial_year_of
from pins.reporting import exports
from schools.models import Enrolment


@dataclasses.dataclass
class FundingRow:
    """An ICB's or a region's funding in a financial year, in pence, and its schools."""

    name: str
    region: str = ""
    ods_code: str = ""
    pot: int = 0
    awarded: int = 0
    paid: int = 0
    schools_enrolled: int = 0
    schools_reached: int = 0

    @property
    def remaining(self) -> int:
        return self.pot - self.awarded

    @property
    def reached_percent(self) -> int | None:
        if not self.schools_enrolled:
            return None
        return round(100 * self.schools_reached / self.schools_enrolled)

    def add(self, other: "FundingRow") -> None:
        for field in ("pot", "awarded", "paid", "schools_enrolled", "schools_reached"):
            setattr(self, field, getattr(self, field) + getattr(other, field))


@dataclasses.dataclass
class NationalFunding:
    year: int
    icbs: list[FundingRow]
    regions: list[FundingRow]
    nation: FundingRow

    @property
    def label(self) -> str:
        return financial_year_label(self.year)


def national_funding(icbs, year: int) -> NationalFunding:
    """Every ICB the person may see that has a pot or enrolled schools in the financial year."""
    start, end = financial_year_dates(year)
    pots = dict(FundingPot.objects.filter(financial_year=year).values_list("icb_id", "amount_pence"))
    awarded = dict(
        Award.objects.filter(pot__financial_year=year, status=Award.Status.APPROVED)
        .values("pot__icb_id")
        .annotate(total=Sum("amount_pence"))
        .values_list("pot__icb_id", "total")
    )
    paid = dict(
        LedgerEntry.objects.filter(award__pot__financial_year=year)
        .values("award__pot__icb_id")
        .annotate(total=Sum(signed_amount()))
        .values_list("award__pot__icb_id", "total")
    )
    # The schools enrolled in the programme year that starts in this financial year.
    enrolments = Enrolment.objects.filter(
        status=Enrolment.Status.ENROLLED, programme_year__starts_on__range=(start, end)
    )
    enrolled = dict(
        enrolments.values("icb_id").annotate(schools=Count("school_id", distinct=True)).values_list("icb_id", "schools")
    )
    reached = dict(
        ForumActivity.schools.through.objects.filter(
            forumactivity__award__pot__financial_year=year,
            forumactivity__award__status=Award.Status.APPROVED,
            school__enrolments__in=enrolments,
            school__enrolments__icb_id=F("forumactivity__award__pot__icb_id"),
        )
        .values("forumactivity__award__pot__icb_id")
        .annotate(schools=Count("school_id", distinct=True))
        .values_list("forumactivity__award__pot__icb_id", "schools")
    )
    rows, regions = [], {}
    nation = FundingRow(name="England")
    for icb in icbs.select_related("region").order_by("region__name", "name"):
        if icb.pk not in pots and icb.pk not in enrolled:
            continue
        row = FundingRow(
            name=icb.short_name,
            region=icb.region.name,
            ods_code=icb.ods_code,
            pot=pots.get(icb.pk, 0),
            awarded=awarded.get(icb.pk, 0),
            paid=paid.get(icb.pk, 0),
            schools_enrolled=enrolled.get(icb.pk, 0),
            schools_reached=reached.get(icb.pk, 0),
        )
        rows.append(row)
        regions.setdefault(icb.region.name, FundingRow(name=icb.region.name, region=icb.region.name)).add(row)
        nation.add(row)
    return NationalFunding(year=year, icbs=rows, regions=list(regions.values()), nation=nation)


def _year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return financial_year_of(timezone.localdate())
    if not 2000 <= year <= 2100:
        raise Http404("No such financial year")
    return year


@login_required
@require_GET
def national_funding_page(request):
    request.access.require(Permission.VIEW_NATIONAL_PROGRESS)
    request.access.require(Permission.VIEW_FORUM_FUNDING)
    year = _year(request)
    return render(
        request,
        "reporting/funding.html",
        {
            "funding": national_funding(request.access.icbs(), year),
            "year": year,
            "previous_year": year - 1,
            "next_year": year + 1,
        },
    )


FUNDING_HEADER = [
    "Region",
    "ICB ODS code",
    "ICB",
    "Financial year",
    "Pot (£)",
    "Awarded (£)",
    "Paid (£)",
    "Remaining to award (£)",
    "Schools enrolled",
    "Schools reached by forum activity",
]


def _in_pounds(pence: int) -> float:
    return round(pence / 100, 2)


def funding_rows(funding: NationalFunding):
    yield FUNDING_HEADER
    for row in funding.icbs:
        yield [
            row.region,
            row.ods_code,
            row.name,
            funding.label,
            _in_pounds(row.pot),
            _in_pounds(row.awarded),
            _in_pounds(row.paid),
            _in_pounds(row.remaining),
            row.schools_enrolled,
            row.schools_reached,
        ]


LEDGER_HEADER = [
    "Entry",
    "Kind",
    "Recorded at",
    "ICB ODS code",
    "Financial year",
    "Forum",
    "Award",
    "Amount (£)",
    "Reverses entry",
    "Recorded by",
    "Note",
]


def ledger_rows(year: int):
    yield LEDGER_HEADER
    entries = (
        LedgerEntry.objects.filter(award__pot__financial_year=year)
        .select_related("award__pot__icb", "award__forum", "recorded_by")
        .order_by("recorded_at", "pk")
    )
    for entry in entries.iterator(chunk_size=exports.ROWS_PER_FETCH):
        yield [
            entry.pk,
            entry.get_kind_display(),
            timezone.localtime(entry.recorded_at).strftime("%Y-%m-%d %H:%M"),
            entry.award.pot.icb.ods_code,
            entry.award.pot.financial_year_label,
            entry.award.forum.name,
            entry.award_id,
            _in_pounds(entry.signed_pence),
            entry.reverses_id or "",
            str(entry.recorded_by or "The PINS programme service"),
            entry.note,
        ]


@login_required
@require_GET
def national_funding_export(request, extension):
    request.access.require(Permission.EXPORT_PROGRAMME_DATA)
    request.access.require(Permission.VIEW_FORUM_FUNDING)
    year = _year(request)
    rows = funding_rows(national_funding(request.access.icbs(), year))
    name = exports.filename("forum-funding", financial_year_label(year), extension)
    if extension == "csv":
        return exports.csv_response(rows, name=name)
    if extension == "xlsx":
        return exports.xlsx_response(rows, name=name, sheet="Forum funding")
    raise Http404("No such export")


@login_required
@require_GET
def national_ledger_export(request):
    request.access.require(Permission.EXPORT_PROGRAMME_DATA)
    request.access.require(Permission.VIEW_FORUM_FUNDING)
    year = _year(request)
    return exports.csv_response(
        ledger_rows(year), name=exports.filename("forum-funding-ledger", financial_year_label(year), "csv")
    )
