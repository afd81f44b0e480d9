"""The newsroom's own accounts: invited, given roles, deactivated and reactivated by the
people whose role manages users, each change in the audit log.

Who may manage users: whoever holds the `auth.change_user` permission (the Admin role, see
newsroom/roles.py) and superusers. The newsroom always keeps one active account that may.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from newsdesk.audit.models import record
from newsdesk.newsroom.roles import ROLES
from newsdesk.signins import services as signins
from newsdesk.signins.models import SignIn

MANAGE = "auth.change_user"


class Refused(Exception):
    """A change the rules do not allow, with the reason to show."""


def can_manage(user):
    return user.is_active and user.has_perm(MANAGE)


def _manage_permission():
    app_label, codename = MANAGE.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def managers():
    """The active accounts that may manage users."""
    perm = _manage_permission()
    return get_user_model().objects.filter(is_active=True).filter(
        Q(is_superuser=True) | Q(groups__permissions=perm) | Q(user_permissions=perm)).distinct()


def members():
    """The newsroom's accounts (readers' accounts are not): those with a role, staff and superusers."""
    return get_user_model().objects.filter(
        Q(groups__name__in=ROLES) | Q(is_staff=True) | Q(is_superuser=True)).distinct()


def roles_of(user):
    return sorted(user.groups.filter(name__in=ROLES).values_list("name", flat=True), key=list(ROLES).index)


def _would_manage(user, roles):
    """Whether `user` could manage users with these roles (and what else they hold)."""
    if user.is_superuser:
        return True
    perm = _manage_permission()
    return (user.user_permissions.filter(pk=perm.pk).exists()
            or Group.objects.filter(name__in=roles, permissions=perm).exists())


def _check_not_last_manager(user, *, leaving):
    if leaving and not managers().exclude(pk=user.pk).exists():
        raise Refused(f"{user.get_username()} is the last active account that can manage users: "
                      "give someone else the Admin role first.")


def _check_may_change(user, by):
    if user.is_superuser and not by.is_superuser:
        raise Refused(f"{user.get_username()} is a superuser: only a superuser can change that account.")


def set_password_link(request, user):
    """An address where `user` chooses a password; it works once, for PASSWORD_RESET_TIMEOUT."""
    path = reverse("newsroom:welcome", args=[urlsafe_base64_encode(force_bytes(user.pk)),
                                             default_token_generator.make_token(user)])
    return request.build_absolute_uri(path)


def link_valid_for():
    days, seconds = divmod(settings.PASSWORD_RESET_TIMEOUT, 86400)
    return f"{days} day{'s' if days != 1 else ''}" if days else f"{seconds // 3600} hours"


def _email_link(request, user, link, by):
    inviter = by.get_full_name() or by.get_username()
    send_mail(
        f"Your account in the {settings.SITE_NAME} newsroom",
        f"{inviter} has made you an account in the {settings.SITE_NAME} newsroom.\n\n"
        f"Your username: {user.get_username()}\n\n"
        f"Choose your password here (the link works once, for {link_valid_for()}):\n{link}\n",
        None, [user.email],
    )


@transaction.atomic
def invite(request, *, by, username, email, first_name="", last_name="", roles=(), email_link=False):
    """A new newsroom account with `roles` and no password yet; (account, set-password link)."""
    user = get_user_model()(username=username, email=email, first_name=first_name, last_name=last_name)
    user.set_unusable_password()
    user.save()
    user.groups.set(Group.objects.filter(name__in=roles))
    link = set_password_link(request, user)
    if email_link:
        _email_link(request, user, link, by)
    record(by, "account-invite", user,
           f"roles: {', '.join(roles_of(user))}; set-password link {'emailed' if email_link else 'shown'}")
    return user, link


@transaction.atomic
def new_link(request, user, *, by, email_link=False):
    """A new set-password link for an account (an invitation lost, a password forgotten)."""
    _check_may_change(user, by)
    if not user.is_active:
        raise Refused(f"{user.get_username()} is deactivated: reactivate the account first.")
    link = set_password_link(request, user)
    if email_link:
        _email_link(request, user, link, by)
    record(by, "account-link", user, f"set-password link {'emailed' if email_link else 'shown'}")
    return link


@transaction.atomic
def set_roles(user, roles, *, by):
    """Give `user` exactly these newsroom roles (other groups are kept). Returns whether they changed."""
    _check_may_change(user, by)
    before = roles_of(user)
    roles = [name for name in ROLES if name in roles]
    if before == roles:
        return False
    if not roles:
        raise Refused("Choose at least one role; to take someone out of the newsroom, deactivate the account.")
    _check_not_last_manager(user, leaving=user.is_active and can_manage(user) and not _would_manage(user, roles))
    user.groups.remove(*Group.objects.filter(name__in=ROLES).exclude(name__in=roles))
    user.groups.add(*Group.objects.filter(name__in=roles))
    record(by, "account-roles", user, f"{', '.join(before) or 'none'} → {', '.join(roles)}")
    return True


@transaction.atomic
def deactivate(user, *, by):
    """The account can no longer sign in, and its signed-in sessions end now. Returns how many."""
    if user.pk == by.pk:
        raise Refused("You cannot deactivate your own account: ask another person who manages users.")
    _check_may_change(user, by)
    if not user.is_active:
        raise Refused(f"{user.get_username()} is deactivated already.")
    _check_not_last_manager(user, leaving=can_manage(user))
    user.is_active = False
    user.save(update_fields=["is_active"])
    ended = 0
    for row in SignIn.objects.filter(user=user):
        signins.end(row)
        ended += 1
    record(by, "account-deactivate", user, f"{ended} signed-in session{'s' if ended != 1 else ''} ended")
    return ended


@transaction.atomic
def reactivate(user, *, by):
    _check_may_change(user, by)
    if user.is_active:
        raise Refused(f"{user.get_username()} is active already.")
    user.is_active = True
    user.save(update_fields=["is_active"])
    record(by, "account-reactivate", user)
