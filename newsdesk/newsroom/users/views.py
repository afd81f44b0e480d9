"""Newsroom users: the list, inviting, roles, deactivating and reactivating, and the page where
an invited person chooses their password. The rules are in services.py."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from newsdesk.audit.models import Entry, record
from newsdesk.readers.forms import NewPasswordForm

from . import services
from .forms import InviteForm, LinkForm, RolesForm, UserFilter

PER_PAGE = 50


def managers_only(view):
    """Signed in (else to the login page) and allowed to manage users (else 403)."""
    return login_required(permission_required(services.MANAGE, raise_exception=True)(view))


def _member(pk):
    return get_object_or_404(services.members(), pk=pk)


@managers_only
def user_list(request):
    filters = UserFilter(request.GET)
    filters.is_valid()
    show = filters.cleaned_data.get("show") or "active"
    q = (filters.cleaned_data.get("q") or "").strip()
    users = services.members().prefetch_related("groups").order_by("username")
    if show != "all":
        users = users.filter(is_active=show == "active")
    if q:
        users = users.filter(Q(username__icontains=q) | Q(email__icontains=q) | Q(first_name__icontains=q)
                             | Q(last_name__icontains=q))
    page = Paginator(users, PER_PAGE).get_page(request.GET.get("page"))
    for user in page:
        user.roles = [group.name for group in user.groups.all() if group.name in services.ROLES]
    return render(request, "newsroom/users/list.html", {
        "page_obj": page, "filters": filters, "show": show, "shows": UserFilter.SHOWS, "q": q,
    })


@managers_only
@permission_required("auth.add_user", raise_exception=True)
@never_cache
def invite(request):
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user, link = services.invite(request, by=request.user, **form.cleaned_data)
        # Shown on this answer only, never stored: a reload does not show it again.
        return render(request, "newsroom/users/link.html", {
            "member": user, "link": None if form.cleaned_data["email_link"] else link,
            "emailed": form.cleaned_data["email_link"], "valid_for": services.link_valid_for(), "invited": True,
        })
    return render(request, "newsroom/users/invite.html", {"form": form}, status=400 if form.errors else 200)


def _user_page(request, member, *, roles_form=None, status=200):
    entries = Entry.objects.filter(target_type="auth.user", target_id=str(member.pk)).select_related("actor")[:20]
    return render(request, "newsroom/users/user.html", {
        "member": member,
        "roles": services.roles_of(member),
        "roles_form": roles_form or RolesForm(initial={"roles": services.roles_of(member)}),
        "link_form": LinkForm(),
        "entries": entries,
        "has_password": member.has_usable_password(),
        "is_self": member.pk == request.user.pk,
    }, status=status)


@managers_only
def user_page(request, pk):
    return _user_page(request, _member(pk))


@managers_only
@require_POST
def roles(request, pk):
    member = _member(pk)
    form = RolesForm(request.POST)
    if not form.is_valid():
        return _user_page(request, member, roles_form=form, status=400)
    try:
        changed = services.set_roles(member, form.cleaned_data["roles"], by=request.user)
    except services.Refused as err:
        form.add_error("roles", str(err))
        return _user_page(request, member, roles_form=form, status=400)
    if changed:
        messages.success(request, f"{member.get_username()}'s roles are now: {', '.join(services.roles_of(member))}.")
    else:
        messages.info(request, f"{member.get_username()}'s roles are unchanged.")
    if member.pk == request.user.pk and not services.can_manage(_member(member.pk)):
        return redirect("newsroom:home")  # stepped down: the users' pages are no longer theirs
    return redirect("newsroom:user", member.pk)


def _act(request, pk, action, done):
    member = _member(pk)
    try:
        result = action(member, by=request.user)
    except services.Refused as err:
        messages.error(request, str(err))
    else:
        messages.success(request, done(member, result))
    return redirect("newsroom:user", member.pk)


@managers_only
@require_POST
def deactivate(request, pk):
    def said(member, ended):
        return (f"{member.get_username()} is deactivated and can no longer sign in"
                f"{f'; {ended} signed-in session' + ('s' if ended != 1 else '') + ' ended' if ended else ''}.")
    return _act(request, pk, services.deactivate, said)


@managers_only
@require_POST
def reactivate(request, pk):
    return _act(request, pk, services.reactivate,
                lambda member, _: f"{member.get_username()} is active again and can sign in.")


@managers_only
@require_POST
@never_cache
def new_link(request, pk):
    member = _member(pk)
    form = LinkForm(request.POST)
    form.is_valid()
    emailed = bool(form.cleaned_data.get("email_link"))
    try:
        link = services.new_link(request, member, by=request.user, email_link=emailed)
    except services.Refused as err:
        messages.error(request, str(err))
        return redirect("newsroom:user", member.pk)
    return render(request, "newsroom/users/link.html", {
        "member": member, "link": None if emailed else link, "emailed": emailed,
        "valid_for": services.link_valid_for(), "invited": False,
    })


class Welcome(auth_views.PasswordResetConfirmView):
    """An invited person chooses their password; the link then no longer works."""

    form_class = NewPasswordForm
    template_name = "newsroom/users/welcome.html"
    success_url = reverse_lazy("newsroom:welcome-done")

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form):
        response = super().form_valid(form)
        record(form.user, "account-password", form.user, "password chosen with a set-password link")
        return response


def welcome_done(request):
    return render(request, "newsroom/users/welcome_done.html", {"login_url": reverse("readers:login")})
