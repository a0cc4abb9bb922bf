# syntax=docker/dockerfile:1
# arxivbot web server with its built-in scheduler (see docs/deployment.md).
#
#   docker build -t arxivbot .
#   docker run -p 8000:8000 -v arxivbot-data:/data \
#     -v "$PWD/config.json:/config/config.json:ro" -e DASHSCOPE_API_KEY arxivbot
#
# Stage 1 builds wheels for arxivbot and every dependency; stage 2 installs them into a
# clean slim image, so no compiler, pip cache or source tree reaches the runtime image.

FROM python:3.11-slim AS builder
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
WORKDIR /src
# .dockerignore lets only the files needed to build the package into the context.
COPY . .
RUN pip wheel --wheel-dir /wheels .


FROM python:3.11-slim AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    ARXIVBOT_CONFIG=/config/config.json \
    ARXIVBOT_DB=/data/arxivbot.sqlite3 \
    ARXIVBOT_OUTPUT=/data/site

# A non-root user owns the data volume. Relative paths in the config resolve against the
# config's folder, so the /config/data link puts store.path and store.cache_dir on the volume.
RUN groupadd --system --gid 10001 arxivbot \
 && useradd --system --uid 10001 --gid arxivbot --home-dir /home/arxivbot --create-home \
      --shell /usr/sbin/nologin arxivbot \
 && mkdir -p /data /config \
 && chown arxivbot:arxivbot /data \
 && ln -s /data /config/data

# The wheels are bind-mounted from the builder for this one step: they never become a layer.
RUN --mount=type=bind,from=builder,source=/wheels,target=/wheels \
    pip install --no-index --find-links=/wheels arxivbot

# The bundled example config; mount your own over it (read-only is fine).
COPY config.json /config/config.json

USER arxivbot
WORKDIR /data
VOLUME /data
EXPOSE 8000

# slim has no curl: ask /health with the Python standard library (non-2xx/3xx raises).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4)"]

ENTRYPOINT ["arxivbot"]
CMD ["serve", "--config", "/config/config.json", "--host", "0.0.0.0", "--port", "8000"]
