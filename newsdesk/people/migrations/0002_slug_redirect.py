import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='SlugRedirect',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('old_slug', models.SlugField(max_length=220)),
                ('old_name', models.CharField(blank=True, db_index=True, help_text='The name it had then.', max_length=200)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('person', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='old_slugs', to='people.person')),
                ('topic', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='old_slugs', to='people.topic')),
            ],
            options={
                'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('person__isnull', False), ('topic__isnull', True)), models.Q(('person__isnull', True), ('topic__isnull', False)), _connector='OR'), name='slug_redirect_one_tag'), models.UniqueConstraint(condition=models.Q(('person__isnull', False)), fields=('old_slug',), name='slug_redirect_person_unique'), models.UniqueConstraint(condition=models.Q(('topic__isnull', False)), fields=('old_slug',), name='slug_redirect_topic_unique')],
            },
        ),
    ]
