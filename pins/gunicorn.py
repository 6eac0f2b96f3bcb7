"""The web server's settings, loaded by the shipped command (`gunicorn --config python:pins.gunicorn`, in
docker-compose.yml and the Dockerfile): the access log goes to standard output with secrets redacted."""

from gunicorn import glogging

from pins.kernel.redaction import RedactSecrets


class RedactingLogger(glogging.Logger):
    """Gunicorn's logger, with invitation, calendar and password-reset tokens taken out of every line."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.access_log, self.error_log):
            if not any(isinstance(existing, RedactSecrets) for existing in log.filters):
                log.addFilter(RedactSecrets())


accesslog = "-"
logger_class = RedactingLogger
