"""follow-up: cases, compensation claims, check-ins; reports can be alerts about a case

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("reference", sa.String(16), nullable=False, unique=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("ngo_id", sa.Integer, sa.ForeignKey("ngos.id"), nullable=True),
        sa.Column("contact_key", sa.String(64), nullable=False, index=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("address_encrypted", sa.LargeBinary, nullable=False),
        sa.Column("guardian_name_encrypted", sa.LargeBinary, nullable=True),
        sa.Column("child_name_encrypted", sa.LargeBinary, nullable=True),
        sa.Column("place_encrypted", sa.LargeBinary, nullable=True),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("district", sa.String(64), nullable=True, index=True),
        sa.Column("state", sa.String(64), nullable=True),
        sa.Column("child_age", sa.Integer, nullable=True),
        sa.Column("returned_on", sa.Date, nullable=False),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("school_stage", sa.String(16), nullable=False),
        sa.Column("school_name_encrypted", sa.LargeBinary, nullable=True),
        sa.Column("school_updated_on", sa.Date, nullable=True),
        sa.Column("living_at_home", sa.Boolean, nullable=True),
        sa.Column("money_reported_on", sa.Date, nullable=True),
        sa.Column("opted_out_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "compensation_claims",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("scheme", sa.String(32), nullable=False),
        sa.Column("stage", sa.String(16), nullable=False),
        sa.Column("applied_on", sa.Date, nullable=True),
        sa.Column("sanctioned_on", sa.Date, nullable=True),
        sa.Column("paid_on", sa.Date, nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("case_id", "scheme", name="uq_claim_scheme"),
    )
    op.create_table(
        "checkins",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("sequence", sa.Integer, nullable=False),
        sa.Column("label", sa.String(8), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("next_action_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sends", sa.Integer, nullable=False),
        sa.Column("prompts", sa.Integer, nullable=False),
        sa.Column("fired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("step", sa.Integer, nullable=False),
        sa.Column("answers_encrypted", sa.LargeBinary, nullable=True),
        sa.Column("last_error", sa.String(200), nullable=True),
        sa.UniqueConstraint("case_id", "sequence", name="uq_checkin_sequence"),
    )
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("case_id", sa.Integer, nullable=True))
        batch.add_column(sa.Column("alert_key", sa.String(64), nullable=True))
        batch.create_index("ix_reports_case_id", ["case_id"])
        batch.create_unique_constraint("uq_reports_alert_key", ["alert_key"])
        batch.create_foreign_key("fk_reports_case_id", "cases", ["case_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.drop_constraint("fk_reports_case_id", type_="foreignkey")
        batch.drop_constraint("uq_reports_alert_key", type_="unique")
        batch.drop_index("ix_reports_case_id")
        batch.drop_column("alert_key")
        batch.drop_column("case_id")
    op.drop_table("checkins")
    op.drop_table("compensation_claims")
    op.drop_table("cases")
