"""What the health pages check, with django-health-check's own checks: /healthz the database, the cache and Redis
(the cache and the Celery broker), for the web containers; /healthz/workers that a Celery worker answers and takes
tasks from every queue, for whoever watches the workers (the web stays healthy while workers restart)."""

from django.conf import settings
from redis.asyncio import Redis

CHECKS = ["health_check.checks.Database", "health_check.checks.Cache"]
# Without REDIS_URL (the local demo) tasks run in the web process and the cache is in memory: no Redis to ask.
if settings.REDIS_URL:
    # The address is read at each check, so the page asks the Redis the settings name now.
    CHECKS.append(("health_check.contrib.redis.Redis", {"client_factory": lambda: Redis.from_url(settings.REDIS_URL)}))

WORKER_CHECKS = ["health_check.contrib.celery.Ping"]
