"""The production topology on one machine or a server: N Rasa processes behind nginx, Rasa's tracker store on
PostgreSQL and its lock store on Redis, the action server and two workers, under supervisord (README, "Production").

The shipped files are templates in `deploy/` (nginx site, supervisor programs, systemd unit, Rasa endpoints);
`render` fills them from `bot.settings`, and `make run-production` (`python -m bot.production`) runs them in the
foreground. tests/test_production_topology.py runs the same rendered files, so nothing shipped is untested.
"""
