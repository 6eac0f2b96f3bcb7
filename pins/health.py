"""What /healthz checks: the database, the cache and the Celery broker."""

import dataclasses

from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable

from pins.celery import app as celery_app


@dataclasses.dataclass
class Broker(HealthCheck):
    """Can we reach the Celery broker? (With no REDIS_URL the broker is in memory and always answers.)"""

    def run(self):
        try:
            with celery_app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1, timeout=2)
        except Exception as error:  # kombu raises several transport-specific errors
            raise ServiceUnavailable(f"Celery broker unreachable: {type(error).__name__}") from error


CHECKS = [
    "health_check.checks.Database",
    "health_check.checks.Cache",
    "pins.health.Broker",
]
