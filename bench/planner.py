"""The "Suggest visits" planners on the national demo: the greedy against the optimiser, ICB by ICB.

A benchmark, not a test. It reads the demo and writes nothing. Seed a scale-1 demo into a database of its own
(`manage.py migrate` then `manage.py seed_demo`, with DATABASE_URL pointing at it), then:

    DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/pins_bench_planner .venv/bin/python bench/planner.py

Today is fixed at 28 November of the demo's programme year, so every run plans the same days. For each of the 42
ICBs it plans with the greedy alone, then with the optimiser (which runs the greedy as its hint), and prints, for
both: the share of planned days in a discipline the school asked for (at schools that asked, with the most the
ICBs' capacity allows), the schools given none of their request, days planned of those plannable, travel, each
term's share of visits against its share of the school days left, the spread of specialists' utilisation, and
wall times. `--icb QWO` plans some ICBs only; `--seconds` sets the optimiser's time limit.
"""

import argparse
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

# Run as a script from anywhere: the project's packages are one level up.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pins.settings")

import django


def requested_upper_bound(planner) -> tuple[int, int]:
    """(half-days that could at most be in a requested discipline, half-days left at schools that asked): a
    maximum flow from the asking schools' days left, through the disciplines they asked for, to those
    disciplines' capacity left in the ICB."""
    from ortools.graph.python import max_flow

    flow = max_flow.SimpleMaxFlow()
    source, sink = 0, 1
    disciplines = {}
    capacity = {}
    for specialist in planner.specialists:
        capacity[specialist.discipline] = capacity.get(specialist.discipline, 0) + int(
            planner.capacity_left[specialist.pk] * 2
        )
    asking_days = 0
    for number, enrolment in enumerate(planner.enrolments, start=2):
        wanted = planner.wanted.get(enrolment.pk)
        left = int((enrolment.quota_days - enrolment.allocated_days) * 2)
        if not wanted or left <= 0:
            continue
        asking_days += left
        flow.add_arc_with_capacity(source, number, left)
        for discipline in wanted:
            node = disciplines.setdefault(discipline, 100_000 + len(disciplines))
            flow.add_arc_with_capacity(number, node, left)
    for discipline, node in disciplines.items():
        flow.add_arc_with_capacity(node, sink, capacity.get(discipline, 0))
    if not asking_days:
        return 0, 0
    flow.solve(source, sink)
    return flow.optimal_flow(), asking_days


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--icb", action="append", help="an ICB's ODS code (repeat for more); all by default")
    parser.add_argument("--seconds", type=float, default=None, help="the optimiser's time limit per ICB")
    arguments = parser.parse_args()
    django.setup()

    import datetime

    from django.db.models import F

    from icbs.models import ICB
    from schools.models import Enrolment, ProgrammeYear
    from specialists.optimiser import recommended_slots
    from specialists.planner import _Planner, plan_visits

    year = ProgrammeYear.objects.order_by("-starts_on").first()
    if year is None:
        print("No programme year: seed the demo first (manage.py seed_demo)", file=sys.stderr)
        return 2
    today = datetime.date(year.starts_on.year, 11, 28)
    icbs = ICB.objects.current(on=today).order_by("ods_code")
    if arguments.icb:
        icbs = icbs.filter(ods_code__in=arguments.icb)
    print(f"Programme year {year.label}, today fixed at {today:%-d %B %Y}, {icbs.count()} ICBs")
    header = (
        f"{'ICB':6} {'asked%':>7} {'bound%':>7} {'none':>5} {'days':>11} {'km':>8} "
        f"{'terms (visits% / days%)':>34} {'cv':>6} {'s':>6} {'status':>9}"
    )
    rows = {"greedy": [], "optimiser": []}
    bounds = [0, 0]
    wall = {"greedy": 0.0, "optimiser": 0.0}
    chosen = {"optimiser": 0, "greedy": 0}
    statuses = {}
    recommending = []
    for icb in icbs:
        bound, asking = requested_upper_bound(_Planner(icb=icb, year=year, today=today))
        bounds[0] += bound
        bounds[1] += asking
        started = time.perf_counter()
        plan_visits(icb=icb, year=year, today=today, optimise=False)
        greedy_seconds = time.perf_counter() - started
        started = time.perf_counter()
        plan = plan_visits(icb=icb, year=year, today=today, seconds=arguments.seconds)
        seconds = time.perf_counter() - started
        wall["greedy"] += greedy_seconds
        wall["optimiser"] += seconds
        chosen[plan.method] += 1
        # The allocation form's recommended visits for the ICB's first school with days left.
        school = (
            Enrolment.objects.filter(icb=icb, programme_year=year, allocated_days__lt=F("quota_days"))
            .select_related("school", "programme_year")
            .order_by("school__name")
            .first()
        )
        if school is not None:
            started = time.perf_counter()
            recommended_slots(enrolment=school, today=today)
            recommending.append(time.perf_counter() - started)
        statuses[plan.solver_status] = statuses.get(plan.solver_status, 0) + 1
        if rows["greedy"] == []:
            print(header)
        for name, totals, took in (("greedy", plan.greedy_totals, greedy_seconds), ("optimiser", plan.totals, seconds)):
            rows[name].append((totals, took))
            terms = " ".join(f"{term[:2]} {ours:3.0f}/{share:<3d}" for term, ours, share in totals.term_shares())
            label = icb.ods_code if name == "greedy" else ""
            share_bound = 100 * bound / asking if asking else 100
            print(
                f"{label:6} {100 * totals.requested_share:7.1f} {share_bound:7.1f} "
                f"{totals.schools_without_request:5d} {totals.days_planned:5}/{totals.days_plannable:<5} "
                f"{totals.km:8.0f} {terms:>34} {totals.utilisation_spread:6.3f} {took:6.2f} "
                f"{plan.method if name == 'optimiser' else '':>9}"
            )

    print()
    print("All ICBs           greedy   optimiser   target")
    summary = {}
    for name, results in rows.items():
        totals = [t for t, _ in results]
        asking = sum((t.days_at_asking_schools for t in totals), Decimal(0))
        requested = sum((t.days_requested for t in totals), Decimal(0))
        planned = sum((t.days_planned for t in totals), Decimal(0))
        plannable = sum((t.days_plannable for t in totals), Decimal(0))
        visits = sum(t.visits for t in totals)
        terms = {}
        for t in totals:
            for term, count, _ in t.visits_by_term:
                terms[term] = terms.get(term, 0) + count
        summary[name] = {
            "requested %": 100 * float(requested / asking) if asking else 100.0,
            "no request": sum(t.schools_without_request for t in totals),
            "days planned": float(planned),
            "days plannable": float(plannable),
            "km": sum(t.km for t in totals),
            "km a visit": sum(t.km for t in totals) / visits if visits else 0,
            **{f"{term} visits %": 100 * count / visits for term, count in terms.items()},
            "cv (mean of ICBs)": statistics.mean(t.utilisation_spread for t in totals),
            "worst s an ICB": max(took for _, took in results),
            "total s": sum(took for _, took in results),
        }
    # The school days left in each term, as the ICBs' mean share: what each term's share of visits should be near.
    term_names = [term for term, _, _ in rows["greedy"][0][0].visits_by_term]
    days_share = {
        term: statistics.mean({n: s for n, _, s in t.visits_by_term}[term] for t, _ in rows["greedy"])
        for term in term_names
    }
    targets = {
        "requested %": ">= 95",
        "no request": "",
        "days planned": "= plannable",
        "km": f"<= {0.85 * summary['greedy']['km']:.0f}",
        "cv (mean of ICBs)": f"<= {summary['greedy']['cv (mean of ICBs)']:.3f}",
        "worst s an ICB": "<= 5",
        "total s": "<= 180",
        **{f"{term} visits %": f"{days_share[term]:.1f} +/- 10" for term in term_names},
    }
    for measure in summary["greedy"]:
        print(
            f"{measure:18} {summary['greedy'][measure]:9.3f} {summary['optimiser'][measure]:11.3f}   "
            f"{targets.get(measure, '')}"
        )
    print(f"requested % at most (capacity bound): {100 * bounds[0] / bounds[1] if bounds[1] else 100:.1f}")
    if recommending:
        print(
            f"recommended visits for a school: slowest {max(recommending):.3f} s, "
            f"mean {statistics.mean(recommending):.3f} s (target under 1 s)"
        )
    print(f"plans kept: optimiser {chosen['optimiser']}, greedy {chosen['greedy']}")
    print("the solver's searches ended: " + ", ".join(f"{name} {count}" for name, count in sorted(statuses.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
