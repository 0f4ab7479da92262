"""``ler``: the console script (``ler/cli.py``), one module per sub-command."""
