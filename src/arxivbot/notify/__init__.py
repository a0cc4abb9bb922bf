"""Notifications: each digest delivered to e-mail (SMTP) and chat/webhook (Apprise) targets.

``service`` sends (retries, deadline, delivery records), ``format`` says what a message
contains for each markup, ``smtp`` and ``chat`` are the two channels. Importing this package
does not pull in the web server.
"""
