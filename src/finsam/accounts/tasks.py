"""Background work of the accounts app, through django.tasks. A task is one more interface: it takes ids
and plain values, and does what the request would otherwise have done while the user waited."""

from __future__ import annotations

from django.contrib.auth import forms as auth_forms
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode


@task()
def password_reset_mail(*, user_id: int, domain: str, site_name: str, protocol: str, language: str) -> None:
    """The password reset link to one user, in the language the request was made in. The one-time token is
    made here, so that it is never stored in the queue; a user who was deactivated meanwhile gets nothing."""
    users = get_user_model()
    user = users._default_manager.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password():
        return
    email = getattr(user, users.get_email_field_name())
    context = {
        "email": email,
        "domain": domain,
        "site_name": site_name,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": protocol,
    }
    with translation.override(language):
        # Django's own rendering and sending (a failure is logged there by the user's id).
        auth_forms.PasswordResetForm().send_mail(
            "registration/password_reset_subject.txt",
            "registration/password_reset_email.html",
            context,
            None,
            email,
        )


@task()
def invitation_mail(*, invitation_id: int, domain: str, protocol: str, language: str) -> None:
    """The invitation's link to set a password, in the language of the inviter's page. The token is made
    here, once (services.invitation_issue), so that it is never stored in the queue nor sent twice."""
    from finsam.accounts import services

    issued = services.invitation_issue(invitation_id=invitation_id)
    if issued is None:
        return
    invitation, token = issued
    inviter = invitation.invited_by
    context = {
        "url": f"{protocol}://{domain}{reverse('invitation_accept', args=[token])}",
        "site_name": domain,
        "association": invitation.association.name if invitation.association is not None else "",
        "inviter": (inviter.get_full_name() or inviter.get_username()) if inviter is not None else "",
        "expires": timezone.localtime(invitation.expires),
        "username": invitation.user.get_username(),
    }
    with translation.override(language):
        subject = "".join(render_to_string("accounts/invitation_subject.txt", context).splitlines())
        body = render_to_string("accounts/invitation_email.txt", context)
    # Django's own sending; a failure is logged there without the address.
    send_mail(subject, body, None, [invitation.user.email])
