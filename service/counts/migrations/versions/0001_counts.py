"""The anonymous usage counts and the short-lived de-duplication digests.

Revision ID: 0001
Revises:
Create Date: 2026-11-27

Databases made before migrations existed (by ``metadata.create_all``) already
have these tables; they are adopted as they are.
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if "usage_counts" not in existing:
        op.create_table(
            "usage_counts",
            sa.Column("day", sa.Date, primary_key=True),
            sa.Column("topic", sa.String(32), primary_key=True),
            sa.Column("locale", sa.String(16), primary_key=True),
            sa.Column("channel", sa.String(16), primary_key=True),
            sa.Column("later_page", sa.Boolean, primary_key=True),
            sa.Column("count", sa.Integer, nullable=False),
        )
    if "seen_messages" not in existing:
        op.create_table(
            "seen_messages",
            sa.Column("digest", sa.String(64), primary_key=True),
            sa.Column("day", sa.Date, nullable=False),
        )
        op.create_index("ix_seen_messages_day", "seen_messages", ["day"])


def downgrade() -> None:
    op.drop_table("seen_messages")
    op.drop_table("usage_counts")
