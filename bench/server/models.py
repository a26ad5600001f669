"""The naive view's own table, created by bench/seed.py (``NAIVE_TABLE_SQL``), not by a
migration: it exists only in the benchmark's database."""

from django.db import models


class NaiveVote(models.Model):
    voter_id = models.BigIntegerField()
    candidate = models.CharField(max_length=64)
    created_at = models.DateTimeField()

    class Meta:
        managed = False
        db_table = "bench_naive_vote"

    def __str__(self) -> str:
        return f"naive vote {self.pk}"
