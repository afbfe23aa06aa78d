"""Crawl state for nightly re-crawls: when each URL is due again, whether it vanished, and one
row per source and run (what the run found, for layout-change alarms).

    urls.next_due     not revalidated before this time (the revisit policy, crawl/revisit.py)
    urls.link_text    the anchor text the URL was last linked with (a changed title makes it due)
    urls.last_seen    when a run last found the URL linked from a page (or started from it)
    urls.missed_runs  complete runs in a row that did not find it linked
    urls.gone_since   set once missed_runs reaches the source's gone_after_runs; the row and its
                      document stay
    crawl_runs        source, start/end, report links found, listing pages fetched / failed,
                      alarm (why the run looks like a layout change) and the run's figures

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("urls") as batch:
        batch.add_column(sa.Column("next_due", TZ, nullable=True))
        batch.add_column(sa.Column("link_text", sa.Text(), nullable=True))
        batch.add_column(sa.Column("last_seen", TZ, nullable=True))
        batch.add_column(sa.Column("missed_runs", sa.Integer(), nullable=False,
                                   server_default="0"))
        batch.add_column(sa.Column("gone_since", TZ, nullable=True))
    op.create_table(
        "crawl_runs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source", sa.String(100), nullable=False, index=True),
        sa.Column("started_at", TZ, nullable=False),
        sa.Column("finished_at", TZ, nullable=True),
        sa.Column("complete", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("report_links", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("listings_ok", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("listings_failed", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("alarm", sa.Text(), nullable=True),
        sa.Column("figures", sa.JSON(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("crawl_runs")
    with op.batch_alter_table("urls") as batch:
        for name in ("gone_since", "missed_runs", "last_seen", "link_text", "next_due"):
            batch.drop_column(name)
