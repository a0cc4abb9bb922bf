"""The ``arxivbot`` command line: thin click commands over the library.

``main`` holds the commands and the exit codes (the console script is
``arxivbot.cli.main:main``), ``context`` what every command shares (options, config loading,
error handling), ``output`` everything the CLI prints, ``init`` the questions of
``arxivbot init``. ``python -m arxivbot.cli`` runs the same command group.
"""
