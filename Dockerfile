# One image for every process: web (`python -m config.serve`: uvicorn), worker and beat (celery), and one-off commands.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

RUN groupadd --system app \
    && useradd --system --gid app --home-dir /app --no-create-home app

# Dependencies first, so a code change reuses this layer.
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# Static files are baked into the image and served by WhiteNoise. Settings refuse to load without
# a strong secret, so the build makes a throwaway one; it signs nothing and never reaches a
# container.
RUN SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
        DEBUG=false ENV_FILE=/dev/null \
        python manage.py collectstatic --noinput \
    && mkdir -p /app/media /app/var \
    && chown app:app /app/media /app/var

USER app

EXPOSE 8000

# `make serve`'s command. HOST, PORT and WEB_CONCURRENCY (worker processes) are read by
# config/serve.py, FORWARDED_ALLOW_IPS (which proxies' X-Forwarded-* headers to trust) by uvicorn.
ENV HOST=0.0.0.0 PORT=8000
CMD ["python", "-m", "config.serve"]
