"""Rows of long tables written in Python for speed (the schedule's cells, the ICB page's schools): the markup the pages
always had, escaped."""

from specialists.presenters import schedule_cells_html, school_rows_html
from specialists.views.schedule import Cell


def test_a_holiday_and_each_visit_in_a_cell_are_written_escaped():
    visit = {
        "url": "/visits/7/",
        "status": "confirmed",
        "session": "AM",
        "with": "Siobhán O'Brien & <Co>",
        "said": "morning, confirmed",
    }

    html = schedule_cells_html([Cell([visit], holiday="Half term <autumn>"), Cell([])])

    assert html.count("<td ") == 2
    assert '<td class="govuk-table__cell pins-schedule__holiday">' in html
    holiday = 'title="Half term &lt;autumn&gt;">Holiday<span class="govuk-visually-hidden">: Half term &lt;autumn&gt;'
    assert holiday in html
    assert (
        '<a class="govuk-link pins-schedule__visit pins-schedule__visit--confirmed" href="/visits/7/">'
        '<span class="pins-schedule__session">AM</span> Siobhán O&#x27;Brien &amp; &lt;Co&gt;'
        '<span class="govuk-visually-hidden">, morning, confirmed</span></a>'
    ) in html
    assert '<td class="govuk-table__cell">\n' in html  # the day with nothing on it


def test_a_school_row_of_the_icb_page_is_written_escaped_with_its_allocate_link_only_for_those_who_allocate():
    row = {
        "url": "/schools/100001/?year=2026/27",
        "name": "St Mary & St John <Primary>",
        "urn": 100001,
        "support": "New to the programme",
        "local_authority": "Bath & North East Somerset",
        "status": "Enrolled",
        "meetings_behind": True,
        "allocated": "2.5",
        "confirmed": "1",
        "delivered": "0",
        "remaining": "2.5 of 5",
        "allocate_url": "/icbs/QWO/visits/new/?enrolment=7",
    }

    allocating = school_rows_html([row], can_allocate=True)
    reading = school_rows_html([row], can_allocate=False)

    assert '<a class="govuk-link" href="/schools/100001/?year=2026/27">St Mary &amp; St John &lt;Primary&gt;</a>' in (
        allocating
    )
    assert "URN 100001 · New to the programme" in allocating
    assert 'Enrolled<br><strong class="govuk-tag govuk-tag--orange">Parent meetings behind</strong>' in allocating
    assert 'data-remaining="100001">2.5 of 5</td>' in allocating
    assert 'href="/icbs/QWO/visits/new/?enrolment=7">Allocate' in allocating
    assert "Allocate" not in reading and reading.count("<td ") == allocating.count("<td ") - 1
    finished = school_rows_html([{**row, "allocate_url": "", "meetings_behind": False}], can_allocate=True)
    assert "Allocate" not in finished and "Parent meetings behind" not in finished
