# The dashboard in production: gunicorn serving app:server on port 8050 (PORT).
# Run with DATABASE_URL (PostgreSQL) and SECRET_KEY set, e.g.
#   docker run -e DATABASE_URL=postgresql+psycopg2://... -e SECRET_KEY=... -p 8050:8050 IMAGE
# then `docker exec CONTAINER python -m db init` once to create the schema. WEB_CONCURRENCY
# (workers, default 2) and GUNICORN_THREADS (per worker, default 4) size it; REDIS_URL shares
# the answer cache between workers and containers (docs/deploy.md).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
RUN useradd --create-home --uid 10001 asg
# Chromium: kaleido drives it to draw the chart images (PNG, SVG) and the board pack PDF.
RUN apt-get update \
    && apt-get install -y --no-install-recommends chromium \
    && rm -rf /var/lib/apt/lists/*
ENV BROWSER_PATH=/usr/bin/chromium

# Dependencies first, so a code change does not reinstall them.
COPY requirements.txt .
RUN pip install -r requirements.txt

# The code belongs to root and stays read-only to the app; only data/ (the embedded SQLite
# file, when DATABASE_URL is not set) is writable.
COPY . .
RUN mkdir -p /app/data && chown asg:asg /app/data

USER asg
ENV PORT=8050
EXPOSE 8050
HEALTHCHECK --interval=30s --timeout=5s --start-period=300s --retries=3 \
    CMD ["python", "-c", \
         "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/health', timeout=4)"]
# Bind, workers, threads and timeout: gunicorn.conf.py, from the environment.
CMD ["gunicorn", "--config", "gunicorn.conf.py", "app:server"]
