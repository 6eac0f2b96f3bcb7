"""Links between the pages of a list, when a page shows several lists, each paged by its own parameter."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_query(context, number, parameter="page") -> str:
    """The query string for page `number` of the list paged by `parameter`, keeping every other parameter."""
    query = context["request"].GET.copy()
    query[parameter] = number
    return f"?{query.urlencode()}"


@register.simple_tag(takes_context=True)
def page_links(context, page, parameter="page") -> list[dict]:
    """The numbered links GOV.UK pagination shows for `page`: the first and last pages, the pages either side of
    this one, and an ellipsis (`number` None) for each gap. A handful of items however many pages the list has."""
    last = page.paginator.num_pages
    wanted = sorted({1, last, *range(max(page.number - 1, 1), min(page.number + 1, last) + 1)})
    links, previous = [], 0
    for number in wanted:
        if number - previous > 1:
            links.append({"number": None})
        links.append(
            {"number": number, "href": page_query(context, number, parameter), "current": number == page.number}
        )
        previous = number
    return links
