"""Member validation pages: the secretariat asks (one request per Member); the Member's focal
point confirms, corrects or rejects each entry others reported about it."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from compendium.catalog.models import Economy
from compendium.review.comment_forms import CorrectionForm
from compendium.review.views import curator_view

from . import selectors
from .models import ValidationAnswer
from .validation import NOTE_MAX, ValidationRefused, validation_answer, validation_request


class RequestForm(forms.Form):
    economy = forms.ChoiceField(label=gettext_lazy("Member or Observer"))
    message = forms.CharField(
        label=gettext_lazy("Message to the focal point (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, economies=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["economy"].choices = [
            (code, f"{name} ({waiting})") for code, name, waiting in economies
        ]


class AnswerForm(forms.Form):
    """Confirm or reject on the list itself; a correction has its own page (its values)."""

    answer = forms.ChoiceField(
        label=gettext_lazy("Your answer"),
        choices=[
            (ValidationAnswer.CONFIRMED, gettext_lazy("Confirm: it is right")),
            (ValidationAnswer.REJECTED, gettext_lazy("Reject it: it is wrong, or not ours")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("Why do you reject it?"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Needed when you reject the entry: the secretariat reads it with your request to "
            "withdraw the entry."
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@curator_view
def requests(request: HttpRequest) -> HttpResponse:
    economies = selectors.economies_to_validate(user=request.user)
    form = RequestForm(request.POST or None, economies=economies)
    if request.method == "POST" and form.is_valid():
        economy = Economy.objects.get(code=form.cleaned_data["economy"])
        try:
            asked = validation_request(
                economy=economy, actor=request.user, message=form.cleaned_data["message"]
            )
        except ValidationRefused as refused:
            messages.warning(request, str(refused))
        else:
            messages.success(
                request,
                _("Asked the focal points of %(economy)s to validate %(n)s entries.")
                % {"economy": economy.name, "n": asked.items.count()},
            )
        return redirect("imports:validation_requests")
    error_links = [
        (f"{form[name].label}: {message}", f"#{form[name].auto_id}")
        for name, errors in form.errors.items()
        for message in errors
        if name in form.fields
    ]
    return render(
        request,
        "imports/validation_requests.html",
        {
            "form": form,
            "error_links": error_links,
            "requests": selectors.requests_for(request.user)[:200],
        },
        status=400 if form.errors else 200,
    )


def focal_point_view(view):
    """Signed-in focal points of a Member only: others sign in first, or are refused."""

    @never_cache
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.focal_points.filter(economy__isnull=False).exists():
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@require_http_methods(["GET", "HEAD"])
@focal_point_view
def validate(request: HttpRequest) -> HttpResponse:
    items = list(selectors.open_items_for(request.user))
    return render(
        request,
        "imports/validate.html",
        {
            "items": [(item, AnswerForm(prefix=f"item{item.pk}")) for item in items],
            "sent": selectors.sent_items_for(request.user)[:200],
        },
    )


def _open_item(request: HttpRequest, pk: int):
    """The item, if it is waiting for one of this user's Members (any other id is a 404)."""
    item = selectors.open_items_for(request.user).filter(pk=pk).first()
    if item is None:
        raise Http404("Nothing to validate here")
    return item


@require_POST
@focal_point_view
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    item = _open_item(request, pk)
    form = AnswerForm(request.POST, prefix=f"item{pk}")
    if not form.is_valid():
        messages.error(request, _("Choose: confirm or reject (or correct it on its own page)."))
        return redirect(reverse("imports:validate") + f"#item-{pk}")
    try:
        validation_answer(
            item=item,
            user=request.user,
            answer=form.cleaned_data["answer"],
            note=form.cleaned_data["note"],
        )
    except ValidationRefused as refused:
        messages.error(request, f"“{item.entry.display_title}”: {refused}")
        return redirect(reverse("imports:validate") + f"#item-{pk}")
    if form.cleaned_data["answer"] == ValidationAnswer.REJECTED:
        messages.success(
            request,
            _(
                "Your rejection of “%(title)s” was sent to the secretariat, which decides on "
                "withdrawing the entry."
            )
            % {"title": item.entry.display_title},
        )
        return redirect(reverse("imports:validate") + "#sent")
    messages.success(
        request,
        _("Thank you: your answer on “%(title)s” was recorded.")
        % {"title": item.entry.display_title},
    )
    return redirect("imports:validate")


def _error_links(form: forms.Form) -> list[tuple[str, str]]:
    return [
        (f"{form.fields[name].label}: {' '.join(errors)}", f"#{form[name].auto_id}")
        for name, errors in form.errors.items()
        if name in form.fields
    ]


@require_http_methods(["GET", "HEAD", "POST"])
@focal_point_view
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    """The corrected values and why: sent to the review queue as a proposal."""
    item = _open_item(request, pk)
    if request.method != "POST":
        form = CorrectionForm.for_entry(item.entry)
        return render(request, "imports/validation_correct.html", {"item": item, "form": form})
    form = CorrectionForm(request.POST)
    refusal = ""
    if form.is_valid():
        try:
            validation_answer(
                item=item,
                user=request.user,
                answer=ValidationAnswer.CORRECTED,
                note=form.cleaned_data["reason"],
                corrected=form.corrected(),
            )
        except ValidationRefused as refused:
            refusal = str(refused)
        else:
            messages.success(
                request, _("Your correction was sent to the secretariat's review queue.")
            )
            return redirect(reverse("imports:validate") + "#sent")
    return render(
        request,
        "imports/validation_correct.html",
        {"item": item, "form": form, "refusal": refusal, "error_links": _error_links(form)},
        status=400,
    )
