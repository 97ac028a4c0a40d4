# The churn service image. Two stages: the builder has uv and resolves the
# environment from uv.lock; the runtime stage gets only the finished virtual
# environment and the package, so no build tool ships to production.
#
# Base images are pinned by tag here so readers see the version. Production pins
# by digest too (python:3.11-slim-bookworm@sha256:...): a tag can be re-pushed,
# a digest cannot, so a rebuild gets byte-identical bases.

# --8<-- [start:builder]
FROM python:3.11-slim-bookworm AS builder

# uv as a static binary from its own image: no pip, no apt, pinned to the
# version the Makefile and CI use.
COPY --from=ghcr.io/astral-sh/uv:0.13.9 /uv /bin/uv

# Compile .pyc files now (the runtime filesystem is read-only), copy files out
# of uv's cache instead of hard-linking (the cache stays in this stage), and
# never download a Python: the one in the base image is the one used.
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never

WORKDIR /app

# Dependencies first: this layer is rebuilt only when the lock changes, not on
# every code edit. --locked fails if uv.lock disagrees with pyproject.toml, and
# --no-default-groups leaves out the docs, notebook and test tools: only the
# package's own run-time dependencies are installed.
COPY pyproject.toml uv.lock ./
RUN uv sync --locked --no-default-groups --no-install-project

# Then the package itself, built into a wheel and installed (not editable), so
# the venv holds everything and no source tree ships: only the package, never
# the guide, tests or data.
COPY README.md LICENSE ./
COPY snippets/churn snippets/churn
RUN uv sync --locked --no-default-groups --no-editable
# --8<-- [end:builder]

# --8<-- [start:runtime]
FROM python:3.11-slim-bookworm AS runtime

LABEL org.opencontainers.image.title="churn-service" \
      org.opencontainers.image.description="Customer-churn model served over HTTP" \
      org.opencontainers.image.source="https://github.com/ds-to-mle/guide" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.version="0.1.0"

# A fixed numeric UID, so Kubernetes' runAsNonRoot can verify it and mounted
# volumes can be granted to it. --no-log-init keeps a high UID from bloating
# /var/log/faillog.
RUN useradd --system --no-log-init --uid 10001 --user-group \
    --no-create-home --shell /usr/sbin/nologin churn

WORKDIR /app

# Owned by root and read-only to the service user: the process cannot alter
# its own code or dependencies.
COPY --from=builder /app/.venv /app/.venv

# The venv first on PATH, so `churn` is the installed package's command;
# unbuffered output so logs reach `docker logs` at once; and no MLflow usage
# telemetry leaving the cluster.
ENV PATH="/app/.venv/bin:${PATH}" \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    MLFLOW_DISABLE_TELEMETRY=true

EXPOSE 8000

# For Docker and Compose (Kubernetes ignores it and uses the probes in
# deploy/k8s). The slim image has no curl; Python's standard library is enough:
# urlopen raises on any non-2xx answer or timeout, which exits non-zero.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=3)"]

USER 10001

# The entrypoint is the CLI, so the same image also runs `monitor`, `promote` or
# `rollback`; not `score`, which needs the batch extra (Dask) this image leaves out.
# The default command serves the model found in the registry mounted at /models.
ENTRYPOINT ["churn"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000", "--registry", "/models"]
# --8<-- [end:runtime]
