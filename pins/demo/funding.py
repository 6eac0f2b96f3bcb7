"""The demo's parent carer forum funding: a forum for each local authority, with a lead to sign in as; a pot for
each ICB in the financial year the programme year starts in; and, per ICB, an award paid in part through an
approved claim for two activities, and a proposed one. Written through the funding services, so every row obeys
the same rules and history as a real one; one pass over the ICBs, a few queries each."""

import datetime
import random

from django.db.models import Q

from icbs import funding
from icbs.models import ICB, ForumActivity, ForumLeadMembership, LocalAuthority, ParentCarerForum
from pins.accounts.models import User
from pins.kernel.money import financial_year_of
from schools.models import Enrolment, ProgrammeYear

POT_PENCE = 5_000_000  # £50,000: the real amounts are not public (../shared/BRIEF.md)


def forum_lead_email(*, authority: LocalAuthority) -> str:
    return f"forum.{authority.dfe_code}@example.org"


def demo_funding(
    *, icbs: list[ICB], year: ProgrammeYear, coordinators: dict[str, User], password_hash: str, today: datetime.date
) -> int:
    """Write the demo's forums, leads, pots, awards, activities, claims and payments; returns how many forums."""
    rng = random.Random(f"funding-{year.label}")
    ids = [icb.pk for icb in icbs]
    authorities = list(
        LocalAuthority.objects.filter(Q(icb_id__in=ids) | Q(icb__isnull=True, schools__icb_id__in=ids))
        .distinct()
        .order_by("dfe_code")
    )
    forums = {
        authority.pk: ParentCarerForum(
            name=f"{authority.name} Parent Carer Forum",
            email=f"hello@{authority.dfe_code}.pcf.example.org",
            phone=f"0300 555 {int(authority.dfe_code):04d}",
        )
        for authority in authorities
    }
    ParentCarerForum.objects.bulk_create(forums.values())
    ParentCarerForum.local_authorities.through.objects.bulk_create(
        ParentCarerForum.local_authorities.through(parentcarerforum_id=forum.pk, localauthority_id=authority_id)
        for authority_id, forum in forums.items()
    )
    leads = {
        authority.pk: User(
            email=forum_lead_email(authority=authority),
            full_name=f"{authority.name} forum lead",
            password=password_hash,
        )
        for authority in authorities
    }
    User.objects.bulk_create(leads.values())
    ForumLeadMembership.objects.bulk_create(
        ForumLeadMembership(user=user, forum=forums[authority_id]) for authority_id, user in leads.items()
    )

    financial_year = financial_year_of(year.starts_on)
    enrolled = {}
    for enrolment in Enrolment.objects.filter(
        icb_id__in=ids, programme_year=year, status=Enrolment.Status.ENROLLED
    ).select_related("school"):
        enrolled.setdefault(enrolment.icb_id, []).append(enrolment.school)
    activity_days = [today - datetime.timedelta(days=days) for days in (21, 7)]
    for icb in icbs:
        coordinator = coordinators[icb.ods_code]
        pot = funding.pot_set(icb=icb, financial_year=financial_year, amount_pence=POT_PENCE, by=None)
        in_icb = [forums[authority.pk] for authority in authorities if authority.icb_id == icb.pk]
        schools = enrolled.get(icb.pk, [])
        if not in_icb or len(schools) < 3:
            continue
        forum = rng.choice(in_icb)
        chosen = rng.sample(schools, 3)
        award = funding.award_propose(
            pot=pot,
            forum=forum,
            schools=chosen,
            purpose="Survey parents at the schools and run a school-based parent group at each",
            amount_pence=1_200_000,
            by=coordinator,
        )
        award = funding.award_approve(award=award, by=coordinator)
        lead = leads[next(authority_id for authority_id, each in forums.items() if each is forum)]
        activities = [
            funding.activity_record(
                award=award,
                kind=kind,
                schools=chosen[:2] if kind == ForumActivity.Kind.PARENT_SURVEY else chosen[2:],
                parents_reached=rng.randint(8, 60),
                happened_on=day,
                by=lead,
            )
            for kind, day in zip(
                (ForumActivity.Kind.PARENT_SURVEY, ForumActivity.Kind.PARENT_GROUP), activity_days, strict=True
            )
        ]
        claim = funding.claim_submit(award=award, activities=activities, amount_pence=450_000, by=lead)
        funding.claim_approve(claim=claim, by=coordinator)
        funding.award_propose(
            pot=pot,
            forum=rng.choice(in_icb),
            schools=rng.sample(schools, 2),
            purpose="Co-production events with school leaders each term",
            amount_pence=800_000,
            by=coordinator,
        )
    return len(forums)
