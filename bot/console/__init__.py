"""The NGO and coordinator web console (issue 13): a Flask application on the helpline's store.

A separate process (`helpline console`, started by `make run` at 127.0.0.1:8082), server-rendered, usable on a
390-pixel phone, in English and Hindi. It is part of the application layer: each request is one unit of work
(`session_scope`), and every rule it applies lives below it — who may see a report (`bot.reports.access`), how a
report is acknowledged or closed (`bot.reports.acknowledgement`), referred (`bot.reports.referrals`), how a case is
enrolled or changed (`bot.followup`). The statistics pages (issue 13, item 4) are a blueprint of their own,
`bot/console/stats_views.py`, registered by `create_app` when the module exists.
"""
