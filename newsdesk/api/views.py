"""The newsroom's token page: a member makes tokens for their scripts and partners, sees
each one once, and revokes them. A token acts with its owner's role."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from newsdesk.twofactor.views import newsroom_account

from .models import Token


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, label="What it is for", help_text="E.g. the partner's app or your script.")


@newsroom_account
def token_list(request):
    form = TokenForm(request.POST or None)
    context = {"form": form, "tokens": Token.objects.filter(owner=request.user)}
    if request.method == "POST":
        if form.is_valid():
            token, secret = Token.issue(request.user, form.cleaned_data["name"])
            # Shown in this answer only (not after a redirect): only its hash is kept.
            context.update(created=token, secret=secret)
            return render(request, "api/tokens.html", context, status=201)
        return render(request, "api/tokens.html", context, status=400)
    return render(request, "api/tokens.html", context)


@newsroom_account
@require_POST
def revoke(request, pk):
    token = Token.objects.filter(pk=pk, owner=request.user).first()
    if token is None:
        raise Http404("No such token of yours.")
    token.revoke(request.user)
    messages.success(request, f"Revoked “{token.name}”: it no longer works.")
    return redirect("api-tokens:list")
