"""Links between the pages of a list, when a page shows several lists, each paged by its own parameter."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_query(context, number, parameter="page") -> str:
    """The query string for page `number` of the list paged by `parameter`, keeping every other parameter."""
    query = context["request"].GET.copy()
    query[parameter] = number
    return f"?{query.urlencode()}"
