"""A page of a list and how long the list is, in one query: Django's paginator counts in a query of its own."""

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window


def page_with_count(rows: QuerySet, *, per_page: int, number) -> Page:
    """The page numbered `number` (as typed in the address), its rows counting the whole list beside them (a
    window count). A number that is not a page gives the first page, one past the end the last, as
    Paginator.get_page does; only those cost more queries."""
    try:
        number = max(int(number), 1)
    except (TypeError, ValueError):
        number = 1
    start = (number - 1) * per_page
    page = list(rows.annotate(rows_in_list=Window(Count("pk")))[start : start + per_page])
    paginator = Paginator(rows, per_page)
    if not page and number > 1:
        return paginator.get_page(number)
    paginator.count = page[0].rows_in_list if page else 0  # a cached property, set from the window count
    return Page(page, number, paginator)
