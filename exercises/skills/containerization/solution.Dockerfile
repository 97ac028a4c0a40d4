# One answer to the exercise of docs/skills/containerization.md: the batch job's
# image. Read it after your own attempt.
#
# The builder is the service's, with `--extra batch` on both `uv sync` lines, so
# Dask comes from the same lock. The runtime stage runs `churn score` as user
# 10001 and, since a batch job answers no HTTP, has no HEALTHCHECK and no EXPOSE.

FROM python:3.11-slim-bookworm AS builder

COPY --from=ghcr.io/astral-sh/uv:0.13.9 /uv /bin/uv

ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never

WORKDIR /app

# The run-time dependencies plus the batch extra, from the lock; then the package.
COPY pyproject.toml uv.lock ./
RUN uv sync --locked --no-default-groups --extra batch --no-install-project

COPY README.md LICENSE ./
COPY snippets/churn snippets/churn
RUN uv sync --locked --no-default-groups --extra batch --no-editable

FROM python:3.11-slim-bookworm AS runtime

LABEL org.opencontainers.image.title="churn-batch" \
      org.opencontainers.image.description="Customer-churn model scoring files in batch" \
      org.opencontainers.image.source="https://github.com/ds-to-mle/guide" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.version="0.1.0"

RUN useradd --system --no-log-init --uid 10001 --user-group \
    --no-create-home --shell /usr/sbin/nologin churn

WORKDIR /app

COPY --from=builder /app/.venv /app/.venv

ENV PATH="/app/.venv/bin:${PATH}" \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    MLFLOW_DISABLE_TELEMETRY=true

USER 10001

# The files to score and the folder to write are mounted or given at run time:
# docker run ... churn-batch score --registry /models --input ... --out ...
ENTRYPOINT ["churn"]
CMD ["score", "--registry", "/models", "--input", "/data/in/*.parquet", "--out", "/data/out"]
