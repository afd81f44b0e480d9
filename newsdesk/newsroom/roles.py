"""The newsroom's roles, as Django groups of permissions.

Reporter writes and edits their own drafts and sends them for review, and takes wire copy
into drafts; editor edits, publishes, schedules and withdraws any story, looks after people
and topics, and manages the wire channels and routing rules;
moderator runs the comments; admin manages users and settings.
"""

ROLES = {
    "Reporter": [
        "stories.view_story", "stories.add_story", "stories.change_story",
        "people.view_person", "people.view_topic", "stories.view_section",
        "pictures.view_picture", "pictures.add_picture", "pictures.change_picture",
        "wire.view_wireitem",
    ],
    "Editor": [
        "stories.view_story", "stories.add_story", "stories.change_story", "stories.delete_story",
        "stories.publish_story", "stories.edit_any_story",
        "stories.view_section", "stories.add_section", "stories.change_section",
        "people.view_person", "people.add_person", "people.change_person", "people.delete_person",
        "people.view_topic", "people.add_topic", "people.change_topic", "people.delete_topic",
        "pictures.view_picture", "pictures.add_picture", "pictures.change_picture",
        "wire.view_wireitem", "wire.view_channel", "wire.add_channel", "wire.change_channel", "wire.delete_channel",
        "wire.view_rule", "wire.add_rule", "wire.change_rule", "wire.delete_rule",
    ],
    "Moderator": [
        "comments.moderate_comment", "comments.view_comment", "stories.view_story",
    ],
    "Admin": [
        "auth.view_user", "auth.add_user", "auth.change_user", "auth.view_group", "auth.change_group",
        "audit.view_entry", "stories.view_story",
    ],
}


def sync_roles(apps=None):
    """Create the groups and give them their permissions (idempotent)."""
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    apps = apps or global_apps
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        perms = []
        for dotted in codenames:
            app_label, codename = dotted.split(".")
            perms.extend(Permission.objects.filter(content_type__app_label=app_label, codename=codename))
        group.permissions.add(*perms)
