"""Exercise: add ``--dry-run`` to ``churn train``.

From docs/capstone/registry.md. A dry run trains the candidate, compares it with the
champion and prints the gate's decision, and registers nothing: no run, no version,
no alias. Decide where it goes, in ``churn.pipeline.run`` or in the command line;
here it is written in this file, on top of ``churn.pipeline`` and ``churn.cli``.

Edit this file, then run ``make exercise NAME=capstone/registry``.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import NamedTuple

import pandas as pd

from churn import cli
from churn.config import Config
from churn.evaluate import Evaluation, GateDecision
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

    Args:
        frame: All labelled rows; they are split into training and held-out rows.
        config: The run's settings.
        registry: Where the champion is found; only read.

    Returns:
        The candidate's and the champion's scores, and the gate's decision.
    """
    # TODO: read churn.pipeline.run: which of its steps may a dry run take?
    raise NotImplementedError("dry_run is still to write")


def train(args: argparse.Namespace) -> int:
    """``churn train``; with ``--dry-run``, the gate's decision and nothing registered.

    Args:
        args: The parsed command line of ``churn train``.

    Returns:
        0 if the gate passes, ``cli.GATE_REFUSED`` if it refuses.
    """
    # TODO: if args.dry_run, read the rows (churn.data.load_csv(args.data)), the
    # settings (cli._config(args)) and the registry (cli._registry(args)); call
    # dry_run; print the AUC as cli._train does, and the reasons of a refusal; say
    # that it was a dry run; return the exit code cli._train would.
    return cli._train(args)


def subcommand(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    """The parser of one subcommand of ``parser``, e.g. ``train``."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action.choices[name]
    raise KeyError(name)


def parser() -> argparse.ArgumentParser:
    """The parser of ``churn``, its ``train`` subcommand taking ``--dry-run``."""
    made = cli._parser()
    # TODO: give subcommand(made, "train") a --dry-run flag (action="store_true"),
    # and make it run train above, with its set_defaults(run=train).
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
