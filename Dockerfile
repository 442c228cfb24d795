# The server with its checklists and app; data lives in the /data volume.
# It speaks plain HTTP: serve it over https through a TLS-terminating reverse proxy (Caddy or
# nginx, see "Serving behind TLS" in the README), set SAFESCHOOL_PUBLIC_URL to the https
# address (the server then sends HSTS) and FORWARDED_ALLOW_IPS to the proxy's address, and
# do not publish port 8000 beyond the proxy.
# Replication (see "Running it for a province" in the README): set SAFESCHOOL_REPLICA_URL
# (s3://bucket/path with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; other S3-compatible
# storage: s3://bucket/path?endpoint=https://…&force-path-style=true) and mount a directory
# for SAFESCHOOL_FILES_REPLICA_DIR (the photos). Litestream comes from the lock file.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    SAFESCHOOL_DATA_DIR=/data \
    SAFESCHOOL_HOST=0.0.0.0 \
    SAFESCHOOL_PORT=8000 \
    SAFESCHOOL_FORMS_DIR=/app/forms \
    SAFESCHOOL_PWA_DIR=/app/pwa \
    SAFESCHOOL_REPLICA_URL= \
    SAFESCHOOL_FILES_REPLICA_DIR=

WORKDIR /app
# The minutes PDF: WeasyPrint lays text out with Pango; DejaVu covers Vietnamese.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md ./
COPY requirements ./requirements
RUN pip install --no-cache-dir --require-hashes -r requirements/app.txt
COPY server ./server
RUN pip install --no-cache-dir --no-deps --no-build-isolation . \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin app \
    && mkdir -p /data && chown app:app /data
COPY forms ./forms
COPY pwa ./pwa

USER app
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('SAFESCHOOL_PORT', '8000'), timeout=4)"
CMD ["python", "-m", "server", "serve"]
