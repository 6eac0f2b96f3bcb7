"""National search for programme staff: through the person's scoped querysets, so it finds only what they may
see, and each kind of result is one bounded query."""

import dataclasses

from django.db.models import Q


@dataclasses.dataclass
class SearchResults:
    schools: list
    specialists: list
    icbs: list

    @property
    def found(self) -> int:
        return len(self.schools) + len(self.specialists) + len(self.icbs)


def national_search(access, text: str, *, limit: int) -> SearchResults:
    text = text.strip()
    by_school = Q(name__icontains=text)
    if text.isdigit():
        by_school |= Q(urn=int(text))
    return SearchResults(
        schools=list(
            access.schools().filter(by_school).select_related("icb", "local_authority").order_by("name")[:limit]
        ),
        specialists=list(
            access.specialists().filter(full_name__icontains=text).select_related("icb").order_by("full_name")[:limit]
        ),
        icbs=list(access.icbs().filter(Q(name__icontains=text) | Q(ods_code__iexact=text)).order_by("name")[:limit]),
    )
