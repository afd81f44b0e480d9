"""A newsroom account's signed-in sessions: listed, and signed out one by one or all others."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from newsdesk.twofactor.views import newsroom_account

from . import browsers, services
from .models import SignIn


@newsroom_account
def session_list(request):
    rows = services.listed(request)
    for row in rows:
        row.browser = browsers.describe(row.user_agent)
    return render(request, "signins/list.html", {"rows": rows, "others": sum(not row.current for row in rows)})


@newsroom_account
@require_POST
def end(request, pk):
    row = SignIn.objects.filter(pk=pk, user=request.user).first()
    if row is None:
        raise Http404("No such session of yours: it may have been signed out already.")
    if row.pk == request.session.get(services.KEY):
        messages.error(request, "That is this session: use Sign out to end it.")
    else:
        services.end(row)
        messages.success(request, f"Signed out the session of {browsers.describe(row.user_agent)}{' at ' + row.ip if row.ip else ''}.")
    return redirect("signins:list")


@newsroom_account
@require_POST
def end_others(request):
    ended = services.end_others(request)
    if ended:
        messages.success(request, f"Signed out {ended} other session{'s' if ended != 1 else ''}.")
    else:
        messages.info(request, "There were no other sessions.")
    return redirect("signins:list")
