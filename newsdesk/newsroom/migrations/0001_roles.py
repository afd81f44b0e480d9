from django.db import migrations


def make_roles(apps, schema_editor):
    from newsdesk.newsroom.roles import sync_roles

    sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("stories", "0003_alter_story_options_story_created_by_and_more"),
        ("people", "0001_initial"),
        ("comments", "0001_initial"),
        ("audit", "0001_initial"),
    ]

    operations = [migrations.RunPython(make_roles, migrations.RunPython.noop)]
