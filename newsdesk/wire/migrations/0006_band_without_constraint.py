"""A band's item without a foreign-key constraint in the database: an ingest batch writes 20
bands an item, and checking each against the queue at the commit was a sixth of the
PostgreSQL server's work for the batch. Bands are written by grouping alone, for items just
written, and deleted with their item by the ORM's cascade, as before."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("wire", "0005_queue_word_search"),
    ]

    operations = [
        migrations.AlterField(
            model_name="band",
            name="item",
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE,
                                    related_name="bands", to="wire.wireitem"),
        ),
    ]
