"""Every person's notifications (liaisons, secretaries, overseers alike): the list, and opening one."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from committees import digest, notifications
from committees.models import Notification, User


class DigestForm(forms.Form):
    email_digest = forms.ChoiceField(
        label=gettext_lazy("E-mail"), choices=User.EmailDigest.choices, widget=forms.RadioSelect
    )


@login_required
def notification_list(request):
    form = DigestForm(request.POST or None, initial={"email_digest": request.user.email_digest})
    if request.method == "POST" and form.is_valid():
        try:
            digest.set_email_digest(
                user=request.user, by=request.user, choice=form.cleaned_data["email_digest"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your e-mail choice is saved."))
            return redirect("notification_list")
    rows = Notification.objects.filter(user=request.user).order_by("-created_at", "-pk")
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(request, "committees/notifications.html", {"page": page, "form": form})


@login_required
def notification_open(request, pk: int):
    """Mark it read and go to the object it is about (its own page; the list if it has none)."""
    note = get_object_or_404(Notification.objects.filter(user=request.user), pk=pk)
    notifications.mark_read(note, by=request.user)
    if note.url and url_has_allowed_host_and_scheme(note.url, allowed_hosts={request.get_host()}):
        return redirect(note.url)
    return redirect("notification_list")


@login_required
@require_POST
def notification_read_all(request):
    notifications.mark_all_read(by=request.user)
    return redirect("notification_list")
