"""discreet mode: the contact's flag, code word (keyed hash) and stop; reports made in discreet mode; the ids of
messages sent into Telegram chats (deleted on request)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("contacts") as batch:
        batch.add_column(sa.Column("discreet", sa.Boolean, nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("discreet_since", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("code_word_key", sa.String(64), nullable=True))
        batch.add_column(sa.Column("home_visit_only_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("reporter_discreet", sa.Boolean, nullable=False, server_default=sa.false()))
    op.create_table(
        "sent_chat_messages",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("contact_key", sa.String(64), nullable=False, index=True),
        sa.Column("message_id", sa.Integer, nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("sent_chat_messages")
    with op.batch_alter_table("reports") as batch:
        batch.drop_column("reporter_discreet")
    with op.batch_alter_table("contacts") as batch:
        for column in ("home_visit_only_at", "code_word_key", "discreet_since", "discreet"):
            batch.drop_column(column)
