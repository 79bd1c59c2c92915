"""How each counted message was understood: by keyword, as a question, or not at all.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30

A new dimension of ``usage_counts`` (part of its primary key), empty for the
rows counted before it existed and for replies that are not answers (crisis,
STOP, START). The table is rebuilt, since SQLite cannot change a primary key
in place; PostgreSQL does the same, so both keep one schema.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

OLD = ("day", "topic", "locale", "channel", "later_page")


def _rebuild(name: str, key: tuple[str, ...], select: str) -> None:
    op.create_table(
        "usage_counts_next",
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("topic", sa.String(32), nullable=False),
        sa.Column("locale", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("later_page", sa.Boolean, nullable=False),
        *([sa.Column("answered_by", sa.String(16), nullable=False, server_default="")] if name else []),
        sa.Column("count", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint(*key, name="usage_counts_next_pkey"),
    )
    op.execute(f"INSERT INTO usage_counts_next ({', '.join((*key, 'count'))}) {select}")
    op.drop_table("usage_counts")
    op.rename_table("usage_counts_next", "usage_counts")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER INDEX usage_counts_next_pkey RENAME TO usage_counts_pkey")


def upgrade() -> None:
    columns = ", ".join(OLD)
    _rebuild("answered_by", (*OLD, "answered_by"), f"SELECT {columns}, '', count FROM usage_counts")


def downgrade() -> None:
    columns = ", ".join(OLD)
    _rebuild("", OLD, f"SELECT {columns}, SUM(count) FROM usage_counts GROUP BY {columns}")
