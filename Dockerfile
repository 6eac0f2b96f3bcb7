# The PINS programme service image: web (gunicorn), Celery worker and beat all run from it.

FROM node:20-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY static/scss static/scss
RUN npm run build:css

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY requirements.lock .
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
COPY --from=assets /build/node_modules/govuk-frontend node_modules/govuk-frontend
COPY --from=assets /build/static/build static/build
# collectstatic needs settings but no secrets or servers.
RUN SECRET_KEY=build-only MFA_ENCRYPTION_KEY=build-only python manage.py collectstatic --no-input -v 0
RUN useradd --system --uid 10001 pins && chown -R pins /app
USER pins
EXPOSE 8000
# pins/gunicorn.py logs each request to standard output with invitation, calendar and password-reset tokens redacted.
CMD ["gunicorn", "pins.wsgi", "--config", "python:pins.gunicorn", "--bind", "0.0.0.0:8000", "--workers", "3"]
