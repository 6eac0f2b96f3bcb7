"""The links in the service navigation bar, by what the signed-in person may do."""

from django.urls import reverse

from pins.accounts.authorization import Permission

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
    items = [_item(request, "Home", reverse("home"), exact=True)]
    if access.can(Permission.VIEW_NATIONAL_PROGRESS):
        items.append(_item(request, "National progress", reverse("progress")))
    icbs = access.coordinated_icbs  # read with the person's roles: the bar costs no query of its own
    if len(icbs) <= MOST_LINKS_OF_A_KIND:
        items += [_item(request, name, reverse("icbs:detail", args=[ods_code])) for ods_code, name in icbs]
    urns = sorted(access.senco_school_urns)
    if 0 < len(urns) <= MOST_LINKS_OF_A_KIND:
        label = "Your school" if len(urns) == 1 else "School {n}"
        items += [
            _item(request, label.format(n=n), reverse("schools:detail", args=[urn]))
            for n, urn in enumerate(urns, start=1)
        ]
    if access.specialist_id is not None:
        items.append(_item(request, "Your visits", reverse("specialists:schedule", args=[access.specialist_id])))
    if access.can(Permission.SET_FUNDING_POTS):
        items.append(_item(request, "Forum funding", reverse("funding:pots")))
    for forum_id in sorted(access.led_forum_ids)[:MOST_LINKS_OF_A_KIND]:
        items.append(_item(request, "Your forum", reverse("funding:forum", args=[forum_id])))
    if user.is_staff:
        items.append(_item(request, "Admin", reverse("admin:index")))
    items.append(_item(request, "Your account", reverse("account_change_password")))
    items.append(_item(request, "Sign out", reverse("account_logout")))
    return items
