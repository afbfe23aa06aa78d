"""Full-text index over `search_docs.seg`: FTS5 on SQLite, a tsvector + GIN index on PostgreSQL.

`seg` is the jieba-segmented copy of the text plus CJK bigrams (see ingest.search.segment),
space-separated, so both engines only need to split on spaces.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE search_fts USING fts5("
                   "seg, tokenize = 'unicode61 remove_diacritics 0')")
    else:
        op.execute("ALTER TABLE search_docs ADD COLUMN tsv tsvector "
                   "GENERATED ALWAYS AS (to_tsvector('simple', seg)) STORED")
        op.execute("CREATE INDEX ix_search_docs_tsv ON search_docs USING gin (tsv)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE search_fts")
    else:
        op.execute("DROP INDEX ix_search_docs_tsv")
        op.execute("ALTER TABLE search_docs DROP COLUMN tsv")
