"""The school page's section on parent carer forum work: which forum works with the school, and what it did."""

from django import template

from icbs.funding_selectors import school_forum_work

register = template.Library()


@register.inclusion_tag("icbs/funding/school_section.html")
def school_forum_section(school):
    """Given a school the page already fetched through the person's scope."""
    return school_forum_work(school)
