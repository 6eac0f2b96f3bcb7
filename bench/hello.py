"""A hello-world Django view: the ceiling bench/load.py measures the service's pages against. It runs on the
same gunicorn settings as the service (pins.gunicorn: 2 workers, the same access log), with no database, no
middleware and no template, so what it costs is Django's request handling and gunicorn's alone.

    gunicorn bench.hello --config python:pins.gunicorn --workers 2 --bind 127.0.0.1:8001
"""

from django.conf import settings
from django.http import HttpResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY="hello-world-benchmark-only",
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
)


def hello(request):
    return HttpResponse("Hello, world", content_type="text/plain")


urlpatterns = [path("", hello)]

from django.core.wsgi import get_wsgi_application  # noqa: E402 (after the settings it reads)

application = get_wsgi_application()
