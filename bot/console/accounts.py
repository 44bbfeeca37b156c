"""Console accounts: roles, argon2 password hashes, TOTP two-factor, lock-out after failed sign-ins.

Well-kept libraries do the cryptography (argon2-cffi for passwords, pyotp for RFC 6238 codes); this module only
decides. Coordinators and admins must use two-factor; NGO staff may. A failed sign-in is counted on the account and,
after `console_max_failed_logins`, locks it for `console_lockout_minutes`; the log names the account by its id only.
Works in the caller's session: the CLI and the console's views open the transaction.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.clock import as_utc
from bot.crypto import decrypt, encrypt
from bot.reports.outbox import audit
from bot.settings import get_settings
from bot.store.models import ConsoleUser, Ngo

ROLES = ("ngo_staff", "state_coordinator", "admin")
TWO_FACTOR_ROLES = ("state_coordinator", "admin")
ISSUER = "Helpline console"
_hasher = PasswordHasher()  # argon2id with the library's recommended (RFC 9106 low-memory) parameters
log = logging.getLogger(__name__)


class AccountError(ValueError):
    """A bad account request (unknown role, missing NGO or state, duplicate username)."""


@dataclass(frozen=True)
class PasswordCheck:
    """The outcome of the first sign-in step. `user_id` only when the password was right and the account usable."""

    outcome: str  # ok | wrong | locked | disabled
    user_id: int | None = None


def new_password() -> str:
    """A one-time password for a new or reset account, shown once by the CLI."""
    return secrets.token_urlsafe(12)


def needs_two_factor(user: ConsoleUser) -> bool:
    return user.role in TWO_FACTOR_ROLES or user.totp_confirmed_at is not None


def add_user(session: Session, username: str, role: str, password: str, ngo_key: str | None = None,
             state: str | None = None, actor: str = "cli", now: datetime | None = None) -> ConsoleUser:
    """Create an account. NGO staff belong to an NGO of the directory, a coordinator to a state."""
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    username = username.strip()
    if not username or len(username) > 64:
        raise AccountError("a username of 1 to 64 characters")
    if session.execute(select(ConsoleUser.id).where(ConsoleUser.username == username)).first():
        raise AccountError("that username is taken")
    ngo = None
    if role == "ngo_staff":
        ngo = session.execute(select(Ngo).where(Ngo.key == (ngo_key or ""))).scalar_one_or_none()
        if ngo is None:
            raise AccountError("NGO staff need --ngo KEY of an NGO in the directory (helpline ngos routes)")
    if role == "state_coordinator" and not state:
        raise AccountError("a state coordinator needs --state (Bihar, Rajasthan)")
    user = ConsoleUser(username=username, role=role, ngo_id=ngo.id if ngo else None,
                       state=state if role == "state_coordinator" else None, password_hash=_hasher.hash(password),
                       active=True, failed_logins=0, session_epoch=0, language="en")
    if now is not None:
        user.created_at = now
    session.add(user)
    session.flush()
    audit(session, None, actor, "user_added", f"user {user.id} role={role}", now)
    return user


def find_user(session: Session, username: str) -> ConsoleUser | None:
    return session.execute(select(ConsoleUser).where(ConsoleUser.username == username.strip())
                           ).scalar_one_or_none()


def disable_user(session: Session, user: ConsoleUser, actor: str, now: datetime) -> None:
    """No more sign-ins, and every open session of the account ends at its next request."""
    user.active = False
    user.session_epoch += 1
    audit(session, None, actor, "user_disabled", f"user {user.id}", now)


def reset_user(session: Session, user: ConsoleUser, password: str, actor: str, now: datetime) -> None:
    """A new one-time password; two-factor is enrolled again; open sessions end; the account is unlocked."""
    user.password_hash = _hasher.hash(password)
    user.totp_secret_encrypted, user.totp_confirmed_at, user.last_totp_step = None, None, None
    user.failed_logins, user.locked_until, user.active = 0, None, True
    user.session_epoch += 1
    audit(session, None, actor, "user_reset", f"user {user.id}", now)


def check_password(session: Session, username: str, password: str, now: datetime) -> PasswordCheck:
    """The first sign-in step. Counts failures and locks the account; logs by account id only."""
    settings = get_settings()
    user = find_user(session, username)
    if user is None:
        _verify(_dummy_hash(), password)
        log.info("console sign-in failed: no such account")
        return PasswordCheck("wrong")
    if not user.active:
        log.info("console sign-in refused: account %s is disabled", user.id)
        return PasswordCheck("disabled")
    if user.locked_until is not None and as_utc(user.locked_until) > now:
        log.info("console sign-in refused: account %s is locked", user.id)
        return PasswordCheck("locked")
    if not _verify(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= settings.console_max_failed_logins:
            user.locked_until = now + timedelta(minutes=settings.console_lockout_minutes)
            user.failed_logins = 0
            audit(session, None, f"user:{user.id}", "login_locked", f"user {user.id}", now)
        log.info("console sign-in failed for account %s", user.id)
        return PasswordCheck("wrong")
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return PasswordCheck("ok", user.id)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A hash to verify against when the username is unknown, so both answers take about the same time."""
    return _hasher.hash(secrets.token_urlsafe(16))


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def record_failure(session: Session, user: ConsoleUser, now: datetime) -> None:
    """A wrong two-factor code counts like a wrong password."""
    settings = get_settings()
    user.failed_logins += 1
    if user.failed_logins >= settings.console_max_failed_logins:
        user.locked_until, user.failed_logins = now + timedelta(minutes=settings.console_lockout_minutes), 0
        audit(session, None, f"user:{user.id}", "login_locked", f"user {user.id}", now)
    log.info("console two-factor failed for account %s", user.id)


def signed_in(session: Session, user: ConsoleUser, now: datetime) -> None:
    user.failed_logins, user.locked_until = 0, None
    audit(session, None, f"user:{user.id}", "login", f"user {user.id}", now)


def totp_secret(session: Session, user: ConsoleUser) -> str:
    """The account's TOTP secret, made on first use (shown once, on the enrolment page, until it is confirmed)."""
    if user.totp_secret_encrypted is None:
        user.totp_secret_encrypted = encrypt(pyotp.random_base32())
        session.flush()
    return decrypt(user.totp_secret_encrypted)


def provisioning_uri(user: ConsoleUser, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def verify_totp(user: ConsoleUser, code: str, now: datetime) -> bool:
    """A code of the current 30-second step (or the one before or after, for clock drift), each accepted once."""
    if user.totp_secret_encrypted is None:
        return False
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return False
    totp = pyotp.TOTP(decrypt(user.totp_secret_encrypted))
    step = int(now.timestamp()) // totp.interval
    for candidate in (step, step - 1, step + 1):
        if user.last_totp_step is not None and candidate <= user.last_totp_step:
            continue
        if secrets.compare_digest(totp.at(candidate * totp.interval), code):
            user.last_totp_step = candidate
            return True
    return False
