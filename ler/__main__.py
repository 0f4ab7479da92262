"""``python -m ler``: the same as the ``ler`` console script."""

import sys

from ler.cli import main

sys.exit(main())
