"""Sign-in and sign-out for everyone who works on the platform: the secretariat and the focal points
(the Django admin's own login refuses anyone who is not staff). Django's views do the work (safe
`next`, session rotation, CSRF); this module only chooses where each role lands and renders our
GOV.UK-style pages."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth
from django.contrib.auth.forms import AuthenticationForm
from django.urls import reverse
from django.utils.decorators import method_decorator

from compendium.operations.ratelimit import SIGNIN_PER_ACCOUNT, SIGNIN_PER_IP, rate_limited

from .rules import is_focal_point
from .views import QUEUE_PERMISSION


class SignInForm(AuthenticationForm):
    """Django's form (its wrong-credentials message never says whether the user exists), with our
    input styling and errors tied to the fields for assistive technology."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "input"
            # Autofocus would skip the page's introduction for screen-reader users.
            field.widget.attrs.pop("autofocus", None)

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"{self[name].auto_id}_error"}
                )

    def error_links(self) -> list[tuple[str, str]]:
        """(message, #field) for the error summary; a refused sign-in points at the username."""
        first_field = f"#{self['username'].auto_id}"
        links = [(str(message), first_field) for message in self.non_field_errors()]
        links += [
            (f"{self[name].label}: {message}", f"#{self[name].auto_id}")
            for name, messages_ in self.errors.items()
            if name in self.fields
            for message in messages_
        ]
        return links


def landing_url(user: Any) -> str:
    """Where a user goes after signing in when no safe `next` was given: their own work."""
    if user.has_perm(QUEUE_PERMISSION):
        return reverse("review:queue")
    if is_focal_point(user):
        return reverse("surveys:workspace")
    if user.is_staff:
        return reverse("admin:index")
    return reverse("public:home")


# Failed sign-ins are limited per client IP and per user name (429 past the limit).
@method_decorator(rate_limited(SIGNIN_PER_IP, SIGNIN_PER_ACCOUNT), name="dispatch")
class SignInView(auth.LoginView):
    template_name = "review/login.html"
    authentication_form = SignInForm

    def get_default_redirect_url(self) -> str:
        return landing_url(self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context["error_links"] = form.error_links() if form.is_bound else []
        return context


class SignOutView(auth.LogoutView):
    """POST only (Django's LogoutView refuses GET), then the signed-out page."""

    template_name = "review/signed_out.html"
