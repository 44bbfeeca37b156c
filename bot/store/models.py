"""Tables. Personal data (addresses, names, free text) only ever lands in `*_encrypted` columns."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Contact(Base):
    """A person who wrote to the helpline on one channel, known by a keyed pseudonym of their address."""

    __tablename__ = "contacts"

    id = Column(Integer, primary_key=True)
    contact_key = Column(String(64), nullable=False, unique=True)
    channel = Column(String(32), nullable=False)
    address_encrypted = Column(LargeBinary, nullable=False)
    language = Column(String(16), nullable=True)
    opted_out = Column(Boolean, nullable=False, default=False)
    opted_out_at = Column(DateTime(timezone=True), nullable=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=utcnow, onupdate=utcnow)

    callback_requests = relationship("CallbackRequest", back_populates="contact")


class CallbackRequest(Base):
    """A request to be called back by a person, kept only with the requester's explicit consent."""

    __tablename__ = "callback_requests"

    id = Column(Integer, primary_key=True)
    contact_id = Column(Integer, ForeignKey("contacts.id"), nullable=False, index=True)
    language = Column(String(16), nullable=True)
    consent_given_at = Column(DateTime(timezone=True), nullable=False)
    status = Column(String(16), nullable=False, default="open")
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)

    contact = relationship("Contact", back_populates="callback_requests")
