# One image for every role of the LER demonstrator:
#   ler serve landing|issuer|wallet|verifier --host 0.0.0.0 --port 800N
# docker-compose.yml runs one container per role against PostgreSQL.
# Building fetches the Python packages; the running image needs no network but the
# services' own (JSON-LD contexts and schemas are inside the package).

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY contexts/ contexts/
COPY vckit/ vckit/
COPY servicekit/ servicekit/
COPY issuer/ issuer/
COPY wallet/ wallet/
COPY verifier/ verifier/
COPY landing/ landing/
COPY demo/ demo/
COPY ler/ ler/
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    LER_DATA_DIR=/data \
    LER_ISSUER_DEMO=/app/examples/issuers.json \
    LER_REGISTRY=/app/examples/registry.json
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links /wheels ler-demonstrator \
    && rm -rf /wheels \
    && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin ler \
    && mkdir -p /data \
    && chown ler /data
# the demo data: the issuers and their achievements, the governance registry
COPY examples/issuers.json examples/registry.json /app/examples/
COPY examples/achievements/ /app/examples/achievements/
USER ler
WORKDIR /data
EXPOSE 8000 8001 8002 8003
CMD ["ler", "serve", "landing", "--host", "0.0.0.0", "--port", "8000"]
