"""erasure and consent: the erasure audit (and its resumable tracker step), consent records, pending confirmations

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "erasures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("conversations_encrypted", sa.LargeBinary, nullable=True),
        sa.Column("counts", sa.String(300), nullable=False),
    )
    op.create_table(
        "consents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("contact_key", sa.String(64), nullable=False, index=True),
        sa.Column("purpose", sa.String(32), nullable=False),
        sa.Column("message_id", sa.String(80), nullable=False),
        sa.Column("language", sa.String(16), nullable=True),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("given_by", sa.String(16), nullable=False),
        sa.Column("verification", sa.String(80), nullable=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", ondelete="SET NULL"), nullable=True),
        sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id", ondelete="SET NULL"), nullable=True),
    )
    with op.batch_alter_table("contacts") as batch:
        batch.add_column(sa.Column("erasure_asked_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("text_erased_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.drop_column("text_erased_at")
    with op.batch_alter_table("contacts") as batch:
        batch.drop_column("erasure_asked_at")
    op.drop_table("consents")
    op.drop_table("erasures")
