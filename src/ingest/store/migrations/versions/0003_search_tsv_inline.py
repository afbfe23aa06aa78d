"""PostgreSQL: keep `search_docs.tsv` in the row (STORAGE MAIN) instead of out of line.

Search reads the tsvector of every unit it checks or ranks; a long passage's tsvector was
TOASTed (stored out of line), so each read cost an extra lookup in the TOAST table: checking
and ranking units measured 1.4-2x slower than with it in the row. With MAIN, the text and
its segmented copy are moved out of line first and the tsvector stays in the row. Existing
rows are rewritten (`seg = seg` regenerates the tsvector; (auto)vacuum reclaims the old
versions). Nothing to do on SQLite.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.execute("ALTER TABLE search_docs ALTER COLUMN tsv SET STORAGE MAIN")
        op.execute("UPDATE search_docs SET seg = seg")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.execute("ALTER TABLE search_docs ALTER COLUMN tsv SET STORAGE EXTENDED")
