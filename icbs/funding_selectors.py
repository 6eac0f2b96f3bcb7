"""Parent carer forum funding, the reads: every balance from the ledger, summed in the database."""

import dataclasses
import datetime

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, JSONObject

from icbs.models import ICB, Award, Claim, ForumActivity, FundingPot, LedgerEntry, ParentCarerForum
from pins.kernel.prepared import prepared_read


@dataclasses.dataclass(frozen=True)
class PotFigures:
    """A pot's money: what it holds, what approved awards take from it, what the ledger has paid."""

    amount: int = 0
    awarded: int = 0
    paid: int = 0

    @property
    def remaining(self) -> int:
        return self.amount - self.awarded

    @property
    def unpaid(self) -> int:
        return self.awarded - self.paid


def pot_figures(pot: FundingPot | None) -> PotFigures:
    """Awarded from the pot's approved awards, paid from the ledger: two queries, none per award."""
    if pot is None:
        return PotFigures()
    awarded = pot.awards.filter(status=Award.Status.APPROVED).aggregate(total=Sum("amount_pence"))["total"] or 0
    paid = LedgerEntry.objects.filter(award__pot=pot).signed_total()
    return PotFigures(amount=pot.amount_pence, awarded=awarded, paid=paid)


def awards_listed(awards: QuerySet[Award]) -> QuerySet[Award]:
    """Awards for a list: their forum and pot, what the ledger paid each, and how many schools each names."""
    schools = Award.schools.through.objects.filter(award=OuterRef("pk")).order_by().values("award")
    return (
        awards.with_ledger_totals()
        .select_related("forum", "pot__icb")
        .annotate(
            school_count=Coalesce(Subquery(schools.annotate(n=Count("pk")).values("n")), 0),
            claims_waiting=Count("claims", filter=Q(claims__status=Claim.Status.SUBMITTED), distinct=True),
        )
    )


def claims_waiting(awards: QuerySet[Award]) -> QuerySet[Claim]:
    return (
        Claim.objects.filter(award__in=awards.values("pk"), status=Claim.Status.SUBMITTED)
        .select_related("award__forum", "submitted_by")
        .annotate(activity_count=Count("activities"))
        .order_by("submitted_at", "pk")
    )


def award_ledger(award: Award) -> list[LedgerEntry]:
    """The award's entries, oldest first, each payment with what is left of it after its reversals."""
    reversed_of = LedgerEntry.objects.filter(reverses=OuterRef("pk")).order_by().values("reverses")
    return list(
        award.ledger_entries.select_related("recorded_by", "reverses")
        .annotate(reversed_pence=Coalesce(Subquery(reversed_of.annotate(t=Sum("amount_pence")).values("t")), 0))
        .order_by("recorded_at", "pk")
    )


def award_activities(award: Award) -> QuerySet[ForumActivity]:
    return award.activities.select_related("claim", "recorded_by").prefetch_related("schools")


def claimable_activities(award: Award) -> QuerySet[ForumActivity]:
    return award.activities.filter(Q(claim__isnull=True) | Q(claim__status=Claim.Status.RETURNED)).order_by(
        "happened_on", "pk"
    )


def forum_awards(forum: ParentCarerForum) -> QuerySet[Award]:
    return awards_listed(forum.awards.all()).order_by("-pot__financial_year", "-created_at")


@dataclasses.dataclass(frozen=True)
class ActivityAtSchool:
    happened_on: datetime.date
    kind: str
    parents_reached: int


ACTIVITIES_SHOWN = 20


@prepared_read
def _forums_working_with(*, urn: int) -> QuerySet[ParentCarerForum]:
    """The forums with approved awards for work with a school, each with its latest activities there."""
    approved = Award.objects.filter(schools=urn, status=Award.Status.APPROVED)
    activities = (
        ForumActivity.objects.filter(award__forum=OuterRef("pk"), award__status=Award.Status.APPROVED, schools=urn)
        .order_by("-happened_on", "-pk")
        .values(row=JSONObject(happened_on="happened_on", kind="kind", parents_reached="parents_reached"))[
            :ACTIVITIES_SHOWN
        ]
    )
    return (
        ParentCarerForum.objects.filter(pk__in=approved.values("forum_id"))
        .annotate(activities_here=ArraySubquery(activities))
        .order_by("name")
    )


def school_forum_work(school) -> dict:
    """For a school's page: the forums with approved awards for work with it, and the activities there. One
    query: each forum carries its latest activities at the school as an array, as the school page already
    runs close to its budget of queries."""
    forums = list(_forums_working_with(urn=school.pk))
    shown = sorted(
        (
            ActivityAtSchool(
                happened_on=datetime.date.fromisoformat(row["happened_on"]),
                kind=ForumActivity.Kind(row["kind"]).label,
                parents_reached=row["parents_reached"],
            )
            for forum in forums
            for row in forum.activities_here
        ),
        key=lambda activity: activity.happened_on,
        reverse=True,
    )
    return {"forums": forums, "activities": shown[:ACTIVITIES_SHOWN]}


def forum_totals(awards: QuerySet[Award]) -> dict:
    """What these awards (a forum's, as far as the person may see them) have approved and paid, over every year."""
    approved = awards.filter(status=Award.Status.APPROVED)
    awarded = approved.aggregate(total=Sum("amount_pence"))["total"] or 0
    paid = LedgerEntry.objects.filter(award__in=awards.values("pk")).signed_total()
    return {"awarded": awarded, "paid": paid, "unpaid": awarded - paid}


def icb_enrolled_schools(icb: ICB):
    """The schools enrolled with an ICB in any programme year: those an award may name."""
    return (
        icb.schools.model.objects.filter(enrolments__icb=icb, enrolments__status="enrolled").distinct().order_by("name")
    )
