# Exercise: a second image, for the batch job.
#
# From docs/skills/containerization.md. The service image leaves out the batch
# extra (Dask), so `churn score` cannot run in it. Turn this file into the batch
# job's image: the service's two stages, with the batch extra installed, and a
# runtime stage that runs `churn score` as user 10001.
#
# Edit this file, then run `make exercise NAME=skills/containerization`.

FROM python:3.11-slim-bookworm AS builder

COPY --from=ghcr.io/astral-sh/uv:0.13.9 /uv /bin/uv

ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never

WORKDIR /app

# TODO: both `uv sync` lines below install only the service's dependencies; make
# them install the batch extra too (pyproject.toml, [project.optional-dependencies]).
COPY pyproject.toml uv.lock ./
RUN uv sync --locked --no-default-groups --no-install-project

COPY README.md LICENSE ./
COPY snippets/churn snippets/churn
RUN uv sync --locked --no-default-groups --no-editable

# TODO: the runtime stage. The same base as the builder; the OCI labels hadolint
# asks for; a system user with UID 10001 and no shell; the venv copied from the
# builder and first on PATH; USER 10001; ENTRYPOINT ["churn"] and a CMD that runs
# `score` against the registry mounted at /models. A batch job answers no HTTP:
# no HEALTHCHECK, no EXPOSE.
