"""The routing rules in the newsroom, for editors: the ordered list with how many items each
matched, a rule's form, moving a rule up or down, and deleting it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .forms import RuleForm
from .models import Rule
from .views import desk


@desk("wire.change_rule")
def rule_list(request):
    return render(request, "wire/rules.html", {"rules": Rule.objects.select_related("channel", "section")})


@desk("wire.change_rule")
def rule_edit(request, pk=None):
    found = get_object_or_404(Rule, pk=pk) if pk else None
    form = RuleForm(request.POST or None, instance=found)
    if request.method == "POST" and form.is_valid():
        rule = form.save(commit=False)
        rule.author = request.user  # a rule that publishes does so in the name of who set it last
        if rule.pk is None:
            last = Rule.objects.order_by("-position").values_list("position", flat=True).first()
            rule.position = (last or 0) + 1
        rule.save()
        form.save_m2m()
        messages.success(request, f"Rule “{rule.name}” saved: it applies to the items that come in from now on.")
        return redirect("wire:rules")
    return render(request, "wire/rule_edit.html", {"form": form, "rule": found},
                  status=400 if form.errors else 200)


@login_required
@permission_required("wire.change_rule", raise_exception=True)
@require_POST
def rule_move(request, pk, direction):
    if direction not in ("up", "down"):
        raise Http404("A rule moves up or down.")
    with transaction.atomic():
        rules = list(Rule.objects.select_for_update().order_by("position", "pk"))
        at = next((i for i, r in enumerate(rules) if r.pk == pk), None)
        if at is None:
            return redirect("wire:rules")
        to = at - 1 if direction == "up" else at + 1
        if 0 <= to < len(rules):
            rules[at], rules[to] = rules[to], rules[at]
        for position, rule in enumerate(rules, start=1):
            if rule.position != position:
                Rule.objects.filter(pk=rule.pk).update(position=position)
    return redirect("wire:rules")


@login_required
@permission_required("wire.delete_rule", raise_exception=True)
@require_POST
def rule_delete(request, pk):
    rule = get_object_or_404(Rule, pk=pk)
    rule.delete()
    messages.success(request, f"Rule “{rule.name}” deleted.")
    return redirect("wire:rules")
