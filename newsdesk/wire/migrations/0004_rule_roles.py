from django.db import migrations

# Editors manage the routing rules (newsroom/roles.py makes the groups).
CODENAMES = ["view_rule", "add_rule", "change_rule", "delete_rule"]


def grant(apps, schema_editor):
    # As 0002 does: permissions are made after migrations, so make them now.
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    create_permissions(global_apps.get_app_config("wire"), apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Editor")
    group.permissions.add(*Permission.objects.filter(content_type__app_label="wire", codename__in=CODENAMES))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Editor"):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="wire", codename__in=CODENAMES))


class Migration(migrations.Migration):
    dependencies = [("wire", "0003_rules_and_groups")]

    operations = [migrations.RunPython(grant, revoke)]
