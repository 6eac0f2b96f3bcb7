"""The year switcher: a page that shows one programme year offers the others, so nobody types `?year=`."""

from django import template

from schools.selectors import all_programme_years

register = template.Library()


@register.inclusion_tag("includes/year_switcher.html", takes_context=True)
def year_switcher(context, year, years=None):
    """A GET form back to the same page with another year; nothing when there is only the one. One query, unless
    the page passes the years' labels it has already read."""
    if years is None:
        years = list(all_programme_years().values_list("label", flat=True))
    return {"year": year, "years": years if len(years) > 1 else [], "action": context["request"].path}
