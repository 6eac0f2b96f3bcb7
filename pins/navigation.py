"""The links in the service navigation bar, by what the signed-in person may do."""

from pins.accounts.authorization import Permission
from pins.kernel.urls import reverse_remembered

# Beyond this many, a person's ICBs or schools are reached from the home page instead.
MOST_LINKS_OF_A_KIND = 2


def _item(request, text: str, href: str, *, exact: bool = False) -> dict:
    current = request.path == href if exact else request.path.startswith(href)
    return {"text": text, "href": href, "current": current}


def navigation_for(request) -> list[dict]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    access = request.access
    items = [_item(request, "Home", reverse_remembered("home"), exact=True)]
    if access.can(Permission.VIEW_NATIONAL_PROGRESS):
        items.append(_item(request, "National progress", reverse_remembered("progress")))
    icbs = access.coordinated_icbs  # read with the person's roles: the bar costs no query of its own
    if len(icbs) <= MOST_LINKS_OF_A_KIND:
        items += [_item(request, name, reverse_remembered("icbs:detail", args=[ods_code])) for ods_code, name in icbs]
    urns = sorted(access.senco_school_urns)
    if 0 < len(urns) <= MOST_LINKS_OF_A_KIND:
        label = "Your school" if len(urns) == 1 else "School {n}"
        items += [
            _item(request, label.format(n=n), reverse_remembered("schools:detail", args=[urn]))
            for n, urn in enumerate(urns, start=1)
        ]
    if access.specialist_id is not None:
        visits_url = reverse_remembered("specialists:schedule", args=[access.specialist_id])
        items.append(_item(request, "Your visits", visits_url))
    if access.can(Permission.SET_FUNDING_POTS):
        items.append(_item(request, "Forum funding", reverse_remembered("funding:pots")))
    for forum_id in sorted(access.led_forum_ids)[:MOST_LINKS_OF_A_KIND]:
        items.append(_item(request, "Your forum", reverse_remembered("funding:forum", args=[forum_id])))
    if user.is_staff:
        items.append(_item(request, "Admin", reverse_remembered("admin:index")))
    items.append(_item(request, "Your account", reverse_remembered("account_change_password")))
    items.append(_item(request, "Sign out", reverse_remembered("account_logout")))
    return items
