from django.conf import settings
from django.urls import reverse

from pins.navigation import navigation_for


def service(request):
    return {
        "service_name": "PINS programme",
        "support_email": settings.SUPPORT_EMAIL,
        "service_navigation": navigation_for(request),
        "footer_links": [
            {"text": "Accessibility statement", "href": reverse("accessibility")},
            {"text": "Privacy notice", "href": reverse("privacy")},
            {"text": "Cookies", "href": reverse("cookies")},
        ],
    }
