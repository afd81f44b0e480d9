from django.db import migrations

# Reporters and editors read the wire queue and take items; editors manage the channels
# (newsroom/roles.py makes the groups).
GRANTS = {
    "Reporter": ["view_wireitem"],
    "Editor": ["view_wireitem", "view_channel", "add_channel", "change_channel", "delete_channel"],
}


def grant(apps, schema_editor):
    # As newsroom.roles.sync_roles does: permissions are made after migrations, so make them now.
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    create_permissions(global_apps.get_app_config("wire"), apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*Permission.objects.filter(content_type__app_label="wire", codename__in=codenames))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name__in=GRANTS):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="wire"))


class Migration(migrations.Migration):
    dependencies = [
        ("wire", "0001_initial"),
        ("newsroom", "0001_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
