"""One command, ``python -m churn``, with a subcommand for each step of the system.

Each subcommand is a thin layer over a module: it parses arguments, calls one
function, prints what a person needs to know, and exits non-zero when the step
failed, so a CI job or a scheduler can chain them and stop on the first failure.
Heavy imports (MLflow, Dask, uvicorn) happen inside the subcommand that needs them:
``--help`` answers at once, and the service image, which has no Dask, can still run
``serve``.
"""

from __future__ import annotations

import argparse
import glob
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from churn.config import Config, load_config
from churn.fields import TARGET

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

    from churn.registry import Registry

logger = logging.getLogger(__name__)

# --8<-- [start:exit-codes]
GATE_REFUSED = 3  # exit code: the pipeline ran, and the gate said no
CONTRACT_BROKEN = 4  # exit code: input data broke its contract
DRIFT_FOUND = 5  # exit code of `monitor --fail-on-drift` when drift is found
# --8<-- [end:exit-codes]
TRACKING_URI_ENV = "MLFLOW_TRACKING_URI"  # the variable MLflow's own clients read


def _generate(args: argparse.Namespace) -> int:
    from churn.data import generate, save_csv

    frame = generate(args.rows, args.seed, args.drift)
    if args.unlabelled:  # what scoring receives: customers whose future is unknown
        frame = frame.drop(columns=TARGET)
    path = save_csv(frame, args.out)
    print(f"wrote {len(frame):,} rows to {path} (seed {args.seed}, drift {args.drift})")
    return 0


def _config(args: argparse.Namespace) -> Config:
    return load_config(args.config) if args.config else Config()


def _registry(args: argparse.Namespace) -> Registry:
    """Open the registry a command names; only `train --create-registry` starts one."""
    from churn.registry import Registry, RegistryError

    create = getattr(args, "create_registry", False)
    try:
        return Registry(args.registry, create=create, tracking_uri=args.tracking_uri)
    except RegistryError as error:
        missing = (
            args.tracking_uri is None and not (args.registry / "mlflow.db").exists()
        )
        if args.command == "train" and not create and missing:
            raise RegistryError(
                f"{error}; pass --create-registry to start one"
            ) from None
        raise


# --8<-- [start:train]
def _train(args: argparse.Namespace) -> int:
    from churn.data import load_csv
    from churn.pipeline import run

    registry = _registry(args)  # before training: a wrong path fails in a second
    outcome = run(load_csv(args.data), _config(args), registry)
    print(f"run {outcome.run_id}: AUC {outcome.candidate.auc:.4f}")
    for name, auc in outcome.candidate.slice_auc.items():
        print(f"  {name}: AUC {auc:.4f}")
    if outcome.champion is not None:
        print(f"champion on the same rows: AUC {outcome.champion.auc:.4f}")
    if outcome.version is None:
        print("gate refused the candidate:", *outcome.decision.reasons, sep="\n  ")
        return GATE_REFUSED
    print(f"gate passed: registered version {outcome.version} as challenger")
    return 0


# --8<-- [end:train]


def _promote(args: argparse.Namespace) -> int:
    from churn.registry import RegistryError

    registry = _registry(args)
    version = args.version
    if version is None:
        challenger = registry.challenger()
        if challenger is None:
            raise RegistryError("no challenger to promote; train one or pass --version")
        version = challenger.version
    registry.promote(version)
    print(f"version {version} is now the champion")
    return 0


def _rollback(args: argparse.Namespace) -> int:
    ref = _registry(args).rollback()
    print(f"rolled back: version {ref.version} is the champion again")
    return 0


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from churn.serve import (
        ADMIN_TOKEN_ENV,
        create_app,
        file_loader,
        registry_loader,
        server_loader,
    )

    if args.model:
        loader = file_loader(args.model, args.sha256)
    elif args.tracking_uri:  # the folder is then only a cache for its files
        loader = server_loader(args.tracking_uri, args.registry)
    else:
        loader = registry_loader(args.registry)
    # The port opens before the model loads: /health answers at once, /ready
    # answers 503 until the model is loaded.
    token = os.environ.get(ADMIN_TOKEN_ENV)
    app = create_app(loader, admin_token=token, load_in_background=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0


def _model(args: argparse.Namespace) -> Pipeline:
    from churn.registry import RegistryError

    registry = _registry(args)
    ref = registry.champion() if args.version is None else registry.get(args.version)
    if ref is None:
        raise RegistryError(f"no champion in the registry at {args.registry}")
    return registry.load(ref)


def _score(args: argparse.Namespace) -> int:
    try:
        from churn.batch import score_files
    except ModuleNotFoundError as error:  # the service image has no Dask, by design
        print(
            f"error: churn score needs {error.name}, which comes with the batch "
            "extra: pip install 'ds-to-mle-churn[batch]'",
            file=sys.stderr,
        )
        return 2

    # A local pattern that matches nothing is a typo; say so before loading a model.
    if "://" not in args.input and not glob.glob(args.input):
        raise FileNotFoundError(2, "no file matches this pattern", args.input)
    summary = score_files(_model(args), args.input, args.out, scheduler=args.scheduler)
    print(
        f"scored {summary.rows:,} rows ({summary.partitions} partitions) to {args.out}"
    )
    return 0


def _monitor(args: argparse.Namespace) -> int:
    from churn.data import load_csv, read_rows
    from churn.monitor import drift_report

    reference = load_csv(args.reference)
    current = read_rows(args.current)  # checked by the report
    model = _model(args) if args.registry else None
    report = drift_report(reference, current, model)
    text = report.to_markdown()
    if args.report:
        Path(args.report).write_text(text, encoding="utf-8")
        print(f"report written to {args.report}")
    else:
        print(text)
    if args.fail_on_drift and report.quality:  # a broken window proves nothing
        return CONTRACT_BROKEN
    return DRIFT_FOUND if args.fail_on_drift and report.drifted else 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="churn", description="The churn reference system."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    def command(name: str, run: Callable[[argparse.Namespace], int], help: str):
        sub = commands.add_parser(name, help=help, description=help)
        sub.set_defaults(run=run)
        return sub

    gen = command("generate", _generate, "Write synthetic customers to a CSV file.")
    gen.add_argument("--rows", type=int, default=20_000, help="number of customers")
    gen.add_argument("--seed", type=int, default=7, help="random seed")
    gen.add_argument("--drift", type=float, default=0.0, help="0 (none) to 1 (strong)")
    gen.add_argument("--out", type=Path, required=True, help="CSV file to write")
    gen.add_argument(
        "--unlabelled",
        action="store_true",
        help=f"leave out the label ({TARGET}), as data to score arrives",
    )

    train = command("train", _train, "Train, gate and register a candidate model.")
    train.add_argument("--data", type=Path, required=True, help="labelled CSV")
    train.add_argument("--config", type=Path, help="TOML settings (default: built in)")
    train.add_argument(
        "--create-registry",
        action="store_true",
        help="start a new registry if --registry has none (default: refuse)",
    )

    promote = command("promote", _promote, "Make a version the champion.")
    promote.add_argument("--version", type=int, help="default: the challenger")

    command("rollback", _rollback, "Make the previous champion the champion again.")

    serve = command("serve", _serve, "Serve the champion (or a model file) over HTTP.")
    serve.epilog = (
        "POST /admin/reload needs the bearer token set in the environment variable "
        "CHURN_ADMIN_TOKEN; without it, reloads over HTTP are off."
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on")
    serve.add_argument("--model", type=Path, help="serve this skops file instead")
    serve.add_argument("--sha256", help="the model file's recorded hash")

    score = command("score", _score, "Score files in batch, locally or on Dask.")
    score.add_argument("--input", required=True, help="CSV or Parquet file, or glob")
    score.add_argument("--out", type=Path, required=True, help="output folder")
    score.add_argument("--scheduler", help="Dask scheduler address, e.g. tcp://h:8786")

    monitor = command("monitor", _monitor, "Compare new data with the reference.")
    monitor.add_argument("--reference", type=Path, required=True, help="training CSV")
    monitor.add_argument("--current", type=Path, required=True, help="window CSV")
    monitor.add_argument("--report", type=Path, help="write Markdown here")
    monitor.add_argument(
        "--fail-on-drift",
        action="store_true",
        help=f"exit {DRIFT_FOUND} on drift, {CONTRACT_BROKEN} if the window breaks the"
        " data contract",
    )

    for sub in (train, promote, serve, score, monitor, commands.choices["rollback"]):
        sub.add_argument("--registry", type=Path, help="registry folder")
        sub.add_argument(
            "--tracking-uri",
            default=os.environ.get(TRACKING_URI_ENV) or None,
            help=f"an MLflow tracking server to use as the registry (default:"
            f" ${TRACKING_URI_ENV}); --registry is then a local folder for its files",
        )
    for sub in (score, monitor):
        sub.add_argument(
            "--version", type=int, help="model version (default: champion)"
        )
    return parser


def _raised_by(module: str, name: str) -> tuple[type[Exception], ...]:
    """A module's error class, if a command imported it: only then can it be raised.

    Importing the registry imports MLflow, and the data contract pandera, which
    take seconds; a command that needs neither (``serve``, ``--help``) never pays.
    """
    loaded = sys.modules.get(module)
    return (getattr(loaded, name),) if loaded else ()


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand and return its exit code; errors print one clear line.

    Args:
        argv: The arguments after the program name; None reads ``sys.argv``.

    Returns:
        0 on success, 2 for a usage or lookup error, `GATE_REFUSED`,
        `CONTRACT_BROKEN` or `DRIFT_FOUND` for the failures they name.
    """
    parser = _parser()
    args = parser.parse_args(argv)
    needs_registry = args.command in {"train", "promote", "rollback", "score"}
    if args.command == "serve" and not args.model:
        needs_registry = True
    if args.command == "serve" and args.model and not args.sha256:
        parser.error("serve --model needs --sha256, the hash recorded for the file")
    if needs_registry and args.registry is None:
        parser.error(f"{args.command} needs --registry")
    try:
        return args.run(args)
    except _raised_by("churn.data", "DataContractError") as error:
        print(f"error: {error}", file=sys.stderr)
        return CONTRACT_BROKEN
    except (*_raised_by("churn.registry", "RegistryError"), ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except OSError as error:  # a missing file, a folder where a file should be
        print(f"error: {error.filename}: {error.strerror or error}", file=sys.stderr)
        return 2
