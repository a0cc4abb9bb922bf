"""Vercel's Python runtime entry point: the arxivbot ASGI app as ``app``.

Configuration comes from the environment (``ARXIVBOT_CONFIG``, ``ARXIVBOT_DB``,
``ARXIVBOT_OUTPUT``; see ``arxivbot.publish.web.create_app_from_env``). No scheduler runs
here: the site and feeds are rendered by the scheduled GitHub Actions run and deployed
with the function, which serves them (and the API/search when the database is bundled).
"""

from arxivbot.publish import create_app_from_env

app = create_app_from_env()
