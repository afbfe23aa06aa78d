"""One agency across the years: documents.agency_key and level, checks that may be uncertain
(`ok` nullable) with evidence, a scope (`report`, or `series` for a cross-year check) and a
fingerprint, and the reviewers' verdicts keyed by that fingerprint.

Existing documents get their key and level from their agency name (ingest.agencies); their
cross-year checks appear when a report of the agency is next saved.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("agency_key", sa.Text(), nullable=True))
        batch.add_column(sa.Column("level", sa.String(30), nullable=True))
        batch.create_index("ix_documents_agency_key", ["agency_key"])
    with op.batch_alter_table("checks") as batch:
        batch.alter_column("ok", existing_type=sa.Boolean(), nullable=True)
        batch.add_column(sa.Column("evidence", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("scope", sa.String(10), nullable=False,
                                   server_default="report"))
        batch.add_column(sa.Column("fingerprint", sa.String(32), nullable=True))
        batch.create_index("ix_checks_fingerprint", ["fingerprint"])
    op.create_table(
        "verdicts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("fingerprint", sa.String(32), nullable=False, unique=True),
        sa.Column("verdict", sa.String(10), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("rule", sa.String(40), nullable=True),
        sa.Column("agency_key", sa.Text(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    _backfill_keys()


def _backfill_keys() -> None:
    from ingest.agencies import agency_key, level

    bind = op.get_bind()
    names = [r[0] for r in bind.execute(sa.text(
        "SELECT DISTINCT agency FROM documents WHERE agency IS NOT NULL"))]
    for name in names:
        bind.execute(sa.text("UPDATE documents SET agency_key = :k, level = :l WHERE agency = :a"),
                     {"k": agency_key(name), "l": level(name), "a": name})


def downgrade() -> None:
    op.drop_table("verdicts")
    with op.batch_alter_table("checks") as batch:
        batch.drop_index("ix_checks_fingerprint")
        for name in ("fingerprint", "scope", "evidence"):
            batch.drop_column(name)
        batch.alter_column("ok", existing_type=sa.Boolean(), nullable=False)
    with op.batch_alter_table("documents") as batch:
        batch.drop_index("ix_documents_agency_key")
        batch.drop_column("level")
        batch.drop_column("agency_key")
