"""Run the churn command line: ``python -m churn --help``."""

import sys

from churn.cli import main

sys.exit(main())
