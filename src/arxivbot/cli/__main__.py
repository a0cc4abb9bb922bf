"""``python -m arxivbot.cli``: the same command group as the ``arxivbot`` console script."""

from arxivbot.cli.main import main

main()
