"""One answer to the exercise of docs/capstone/registry.md.

The option goes in the command line. ``churn.pipeline.run`` is already four steps,
``fit``, ``compare``, ``gate`` and ``record``; a dry run is the first three, so it
needs no flag inside the pipeline, and ``run`` keeps one meaning: what it trains is
tracked. Read it after your own attempt.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import NamedTuple

import pandas as pd

from churn import cli
from churn.config import Config
from churn.data import load_csv, validate
from churn.evaluate import Evaluation, GateDecision, gate
from churn.pipeline import compare, fit
from churn.registry import Registry


class DryRun(NamedTuple):
    """What a dry run found: the scores the gate saw, and its decision.

    Attributes:
        candidate: The new model's evaluation on the held-out rows.
        champion: The champion's evaluation on the same rows, if there is one.
        decision: The gate's decision and its reasons.
    """

    candidate: Evaluation
    champion: Evaluation | None
    decision: GateDecision


def dry_run(frame: pd.DataFrame, config: Config, registry: Registry) -> DryRun:
    """Do what ``churn.pipeline.run`` does up to the gate's decision, and stop.

    The registry is only read, for the champion; no run is logged and nothing is
    registered.

    Args:
        frame: All labelled rows; they are split into training and held-out rows.
        config: The run's settings.
        registry: Where the champion is found.

    Returns:
        The candidate's and the champion's scores, and the gate's decision.
    """
    validate(frame, with_target=True)
    scores = compare(fit(frame, config), registry)
    decision = gate(scores.candidate, scores.champion, config.gate)
    return DryRun(scores.candidate, scores.champion, decision)


def train(args: argparse.Namespace) -> int:
    """``churn train``; with ``--dry-run``, the gate's decision and nothing registered.

    Args:
        args: The parsed command line of ``churn train``.

    Returns:
        0 if the gate passes, ``cli.GATE_REFUSED`` if it refuses.
    """
    if not args.dry_run:
        return cli._train(args)
    found = dry_run(load_csv(args.data), cli._config(args), cli._registry(args))
    print(f"dry run: AUC {found.candidate.auc:.4f}")
    for name, auc in found.candidate.slice_auc.items():
        print(f"  {name}: AUC {auc:.4f}")
    if found.champion is not None:
        print(f"champion on the same rows: AUC {found.champion.auc:.4f}")
    if not found.decision.promote:
        print("gate would refuse the candidate:", *found.decision.reasons, sep="\n  ")
        return cli.GATE_REFUSED
    print("gate would pass the candidate; dry run, nothing registered")
    return 0


def subcommand(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    """The parser of one subcommand of ``parser``, e.g. ``train``."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action.choices[name]
    raise KeyError(name)


def parser() -> argparse.ArgumentParser:
    """The parser of ``churn``, its ``train`` subcommand taking ``--dry-run``."""
    made = cli._parser()
    train_command = subcommand(made, "train")
    train_command.add_argument(
        "--dry-run",
        action="store_true",
        help="train and print the gate's decision; register nothing",
    )
    train_command.set_defaults(run=train)
    return made


def main(argv: Sequence[str]) -> int:
    """Run one subcommand of ``churn``, with this file's parser.

    Args:
        argv: The arguments after the program name.

    Returns:
        The subcommand's exit code.
    """
    args = parser().parse_args(argv)
    return args.run(args)
