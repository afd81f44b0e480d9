from django.db import migrations

# Reporters and editors upload pictures and describe them (newsroom/roles.py makes the groups).
PERMISSIONS = ["view_picture", "add_picture", "change_picture"]
GROUPS = ["Reporter", "Editor"]


def grant(apps, schema_editor):
    # As newsroom.roles.sync_roles does: permissions are made after migrations, so make them now.
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    create_permissions(global_apps.get_app_config("pictures"), apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = list(Permission.objects.filter(content_type__app_label="pictures", codename__in=PERMISSIONS))
    for name in GROUPS:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*perms)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(content_type__app_label="pictures", codename__in=PERMISSIONS)
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(*perms)


class Migration(migrations.Migration):
    dependencies = [
        ("pictures", "0001_initial"),
        ("newsroom", "0001_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
