"""An index on documents (agency, year): finding the stored copy of a report (same agency and
year, store/same_report.py) is one index lookup, not a scan of every report of that year.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_documents_agency_year", "documents", ["agency", "year"])


def downgrade() -> None:
    op.drop_index("ix_documents_agency_year", table_name="documents")
