from django.db import models


class Counter(models.Model):
    """Attempts counted in one fixed window, for the embedded database or PostgreSQL (without
    Redis): every server process on the database sees the same counts. Written by store.py
    in one statement each, so the model is only its table."""

    name = models.CharField(max_length=100, unique=True)  # scope and a hash of who
    hits = models.PositiveIntegerField()
    ends_at = models.FloatField(db_index=True)  # Unix time the window closes

    class Meta:
        db_table = "ratelimit_counter"

    def __str__(self):
        return f"{self.name}: {self.hits}"
