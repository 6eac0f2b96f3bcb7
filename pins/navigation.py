"""The links in the service navigation bar, by what the signed-in person may do."""

from django.urls import reverse


def _item(request, text: str, url_name: str) -> dict:
    href = reverse(url_name)
    current = request.path == href if href == "/" else request.path.startswith(href)
    return {"text": text, "href": href, "current": current}


def navigation_for(request) -> list[dict]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    items = [_item(request, "Home", "home")]
    if user.is_staff:
        items.append(_item(request, "Admin", "admin:index"))
    items.append(_item(request, "Your account", "account_change_password"))
    items.append(_item(request, "Sign out", "account_logout"))
    return items
