from django.conf import settings

from pins.kernel.urls import reverse_remembered
from pins.navigation import navigation_for


def service(request):
    return {
        "service_name": "PINS programme",
        "support_email": settings.SUPPORT_EMAIL,
        "service_navigation": navigation_for(request),
        "footer_links": [
            {"text": "Accessibility statement", "href": reverse_remembered("accessibility")},
            {"text": "Privacy notice", "href": reverse_remembered("privacy")},
            {"text": "Cookies", "href": reverse_remembered("cookies")},
        ],
    }
