"""`helpline users add|disable|reset` and `helpline console`: the console's accounts from the operator's shell, and
the console server itself. A new or reset account gets a one-time password printed once; coordinators and admins
(and staff who choose to) enrol two-factor at their first sign-in, where the key is shown once."""

from __future__ import annotations

import argparse
import sys

from bot.clock import SystemClock


def _now(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    return (args.clock or SystemClock()).now()


def _password(args: argparse.Namespace) -> str:
    from bot.console.accounts import new_password

    if getattr(args, "password_stdin", False):
        return sys.stdin.readline().rstrip("\n")
    return new_password()


def _users_add(args: argparse.Namespace) -> int:
    from bot.console.accounts import AccountError, add_user
    from bot.store.db import session_scope

    password = _password(args)
    try:
        with session_scope() as session:
            user = add_user(session, args.username, args.role, password, args.ngo, args.state, "cli", _now(args))
            user_id = user.id
    except AccountError as error:
        print(f"not added: {error}")
        return 2
    print(f"account {user_id} added ({args.role})")
    if not args.password_stdin:
        print(f"one-time password (shown only now): {password}")
    return 0


def _users_change(args: argparse.Namespace) -> int:
    from bot.console.accounts import disable_user, find_user, reset_user
    from bot.store.db import session_scope

    password = _password(args) if args.users_command == "reset" else ""
    with session_scope() as session:
        user = find_user(session, args.username)
        if user is None:
            print("no such account")
            return 1
        if args.users_command == "disable":
            disable_user(session, user, "cli", _now(args))
        else:
            reset_user(session, user, password, "cli", _now(args))
        user_id = user.id
    print(f"account {user_id} {'disabled' if args.users_command == 'disable' else 'reset'}")
    if args.users_command == "reset" and not args.password_stdin:
        print(f"one-time password (shown only now): {password}; two-factor is set up again at the next sign-in")
    return 0


def _console(args: argparse.Namespace) -> int:
    """The console server: waitress (a production WSGI server; Werkzeug's own is for development only) on
    127.0.0.1, in production behind nginx, which terminates TLS. ProxyFix in the app reads nginx's X-Forwarded-*
    headers, so waitress is not told to trust them itself."""
    import waitress

    from bot.console.app import create_app
    from bot.settings import get_settings

    settings = get_settings()
    app = create_app(clock=args.clock)
    port = args.port or settings.console_port
    print(f"The console is at http://{settings.console_host}:{port}/", flush=True)
    waitress.serve(app, host=settings.console_host, port=port, threads=8, ident="helpline-console")
    return 0


def add_commands(commands: argparse._SubParsersAction) -> None:
    users = commands.add_parser("users", help="web console accounts").add_subparsers(dest="users_command",
                                                                                       required=True)
    add = users.add_parser("add", help="add an account; prints a one-time password")
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=["ngo_staff", "state_coordinator", "admin"])
    add.add_argument("--ngo", metavar="NGO_KEY", help="NGO staff: the NGO's id in the directory")
    add.add_argument("--state", help="state coordinator: Bihar or Rajasthan")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin instead")
    add.set_defaults(handler=_users_add)
    for name, help_text in (("disable", "no more sign-ins; open sessions end"),
                            ("reset", "new one-time password, two-factor enrolled again, sessions end")):
        change = users.add_parser(name, help=help_text)
        change.add_argument("username")
        change.add_argument("--password-stdin", action="store_true", help=argparse.SUPPRESS)
        change.set_defaults(handler=_users_change)
    console = commands.add_parser("console", help="run the web console (127.0.0.1:8082 by default)")
    console.add_argument("--port", type=int, default=None)
    console.set_defaults(handler=_console)


__all__ = ["add_commands"]
