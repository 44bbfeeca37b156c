"""NGO directory, reports, outbox deliveries, audit trail, report drafts

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ngos",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(64), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("state_contact_for", sa.String(64), nullable=True),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "ngo_contacts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("ngo_id", sa.Integer, sa.ForeignKey("ngos.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("address_key", sa.String(64), nullable=False, index=True),
        sa.Column("address_encrypted", sa.LargeBinary, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
    )
    op.create_table(
        "route_steps",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("district", sa.String(64), nullable=False, index=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("ngo_id", sa.Integer, sa.ForeignKey("ngos.id", ondelete="CASCADE"), nullable=False),
        sa.UniqueConstraint("district", "position", name="uq_route_step"),
    )
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(16), nullable=False, unique=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("urgent", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("district", sa.String(64), nullable=True, index=True),
        sa.Column("state", sa.String(64), nullable=True),
        sa.Column("destination_district", sa.String(64), nullable=True),
        sa.Column("children_count", sa.Integer, nullable=True),
        sa.Column("language", sa.String(16), nullable=True),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("contact_consent", sa.String(16), nullable=False),
        sa.Column("reporter_key", sa.String(64), nullable=True, index=True),
        sa.Column("reporter_address_encrypted", sa.LargeBinary, nullable=True),
        sa.Column("details_encrypted", sa.LargeBinary, nullable=False),
        sa.Column("escalation_level", sa.Integer, nullable=False, server_default="0"),
        sa.Column("ack_due_at", sa.DateTime(timezone=True), nullable=True, index=True),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sa.Integer, sa.ForeignKey("ngos.id"), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("close_note_encrypted", sa.LargeBinary, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("dedupe_key", sa.String(128), nullable=False, unique=True),
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id"), nullable=True, index=True),
        sa.Column("ngo_id", sa.Integer, sa.ForeignKey("ngos.id"), nullable=True),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("address_encrypted", sa.LargeBinary, nullable=False),
        sa.Column("marker", sa.String(32), nullable=False),
        sa.Column("body_encrypted", sa.LargeBinary, nullable=True),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(200), nullable=True),
        sa.Column("provider_id", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id"), nullable=True, index=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("detail", sa.String(300), nullable=True),
    )
    op.create_table(
        "report_drafts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("conversation_key", sa.String(64), nullable=False, unique=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("fields_encrypted", sa.LargeBinary, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    for table in ("report_drafts", "audit_events", "deliveries", "reports", "route_steps", "ngo_contacts", "ngos"):
        op.drop_table(table)
