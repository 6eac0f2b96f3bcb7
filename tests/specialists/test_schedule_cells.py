"""The schedule's cells, written in Python for speed, are the markup the page always had, escaped."""

from specialists.presenters import schedule_cells_html
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
