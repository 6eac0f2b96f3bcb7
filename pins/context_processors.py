from django.conf import settings
from django.urls import reverse

from pins.navigation import navigation_for


def service(request):
    return {
        "service_name": "PINS programme",
        "support_email": settings.SUPPORT_EMAIL,
        "service_navigation": navigation_for(request),
        "footer_links": {name: reverse(name) for name in ("accessibility", "privacy", "cookies")},
    }
