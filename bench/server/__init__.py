"""The references of ``make bench``'s wrk comparison (issue 17), served by the same gunicorn
as the project with ``DJANGO_SETTINGS_MODULE=bench.server.settings``: a naive
SELECT + INSERT view and a small cached template page. Never part of the production
URLconf: only this package's settings point at ``bench.server.urls``."""

#: The naive view's table (models.NaiveVote), made by bench/seed.py as the database's owner.
NAIVE_TABLE_SQL = (
    "CREATE TABLE IF NOT EXISTS bench_naive_vote ("
    "id bigserial PRIMARY KEY, voter_id bigint NOT NULL, candidate varchar(64) NOT NULL, "
    "created_at timestamptz NOT NULL)"
)
