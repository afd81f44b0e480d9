"""Reader accounts: display names, signing up, and verifying email addresses."""

import re
import secrets
import unicodedata
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from .models import Reader

DISPLAY_NAME_MIN, DISPLAY_NAME_MAX = 2, 50
VERIFY_SALT = "newsdesk.readers.verify"
VERIFY_DAYS = 3

# Bidi controls (U+202A-U+202E, U+2066-U+2069, U+200E/U+200F) can reverse the text
# around a name; zero-width characters (U+200B-U+200D, U+2060, U+FEFF) make two names
# that look alike differ. Neither belongs in a name.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")


class VerificationError(Exception):
    """A verification link that cannot be used; the message tells the reader why."""


def clean_display_name(value):
    """The name as shown: invisible and control characters out, whitespace collapsed.

    Raises ValidationError when nothing readable is left, or it is not 2 to 50 characters.
    """
    raw = unicodedata.normalize("NFC", value or "")
    name = _INVISIBLE.sub("", raw)
    name = "".join(ch for ch in name if ch.isspace() or unicodedata.category(ch) != "Cc")
    name = " ".join(name.split())
    if not name:
        if raw.strip():
            raise ValidationError(
                "That name is made only of invisible characters. Please type a name others can read.", code="invisible"
            )
        raise ValidationError("Please enter a display name: it is shown next to your comments.", code="required")
    if len(name) < DISPLAY_NAME_MIN:
        raise ValidationError(f"A display name needs at least {DISPLAY_NAME_MIN} characters.", code="too_short")
    if len(name) > DISPLAY_NAME_MAX:
        raise ValidationError(
            f"A display name can have at most {DISPLAY_NAME_MAX} characters; this one has {len(name)}.", code="too_long"
        )
    return name


def display_name(user):
    """The name shown for a user: the reader's display name, else the username (newsroom accounts)."""
    try:
        return user.reader.display_name
    except (ObjectDoesNotExist, AttributeError):  # no Reader, or an anonymous user
        return user.get_username()


def is_verified(user):
    """Whether the user is a reader who has confirmed their email address."""
    try:
        return user.reader.email_verified_at is not None
    except (ObjectDoesNotExist, AttributeError):
        return False


def email_taken(email):
    return get_user_model()._default_manager.filter(email__iexact=email.strip()).exists()


@transaction.atomic
def register(*, display_name, email, password):
    """A new reader account: a user with a generated username (never the email, which
    would then show wherever a username does) and its Reader."""
    if email_taken(email):
        raise ValidationError("An account with this email address already exists.", code="taken")
    User = get_user_model()
    username = f"reader-{secrets.token_hex(8)}"
    email = User._default_manager.normalize_email(email.strip())
    user = User._default_manager.create_user(username=username, email=email, password=password)
    Reader.objects.create(user=user, display_name=clean_display_name(display_name))
    return user


def _reader(user):
    """The user's Reader, made on first need for a newsroom account."""
    reader, _ = Reader.objects.get_or_create(user=user, defaults={"display_name": user.get_username()[:DISPLAY_NAME_MAX]})
    return reader


def set_display_name(user, name):
    """Change the name shown next to the user's future comments; returns it cleaned."""
    name = clean_display_name(name)
    reader = _reader(user)
    reader.display_name = name
    reader.save(update_fields=["display_name"])
    return name


def _email_digest(email):
    # In the token instead of the address itself: links end up in logs and browser histories.
    return salted_hmac(VERIFY_SALT, email.strip().lower()).hexdigest()[:20]


def verification_token(user):
    return signing.dumps([user.pk, _email_digest(user.email)], salt=VERIFY_SALT)


def send_verification(request, user):
    """Mail the user a link that verifies their email address, valid for VERIFY_DAYS days.

    Errors from the mail server (OSError) are the caller's to report.
    """
    link = request.build_absolute_uri(reverse("readers:verify", args=[verification_token(user)]))
    context = {"name": display_name(user), "link": link, "days": VERIFY_DAYS, "site_name": settings.SITE_NAME}
    send_mail(
        f"Confirm your email address for {settings.SITE_NAME}",
        render_to_string("readers/verify_email.txt", context),
        None,
        [user.email],
    )


def verify(token):
    """Mark the email address a verification link was sent to as verified; returns the user.

    Raises VerificationError when the link has expired, was altered, or was sent to an
    address the account no longer has.
    """
    try:
        pk, digest = signing.loads(token, salt=VERIFY_SALT, max_age=timedelta(days=VERIFY_DAYS))
    except signing.SignatureExpired:
        raise VerificationError(
            f"This link has expired: links are valid for {VERIFY_DAYS} days. Sign in and ask for a new one."
        ) from None
    except signing.BadSignature:
        raise VerificationError(
            "This link is not valid. Check that it was copied in full, or sign in and ask for a new one."
        ) from None
    user = get_user_model()._default_manager.filter(pk=pk, is_active=True).first()
    if user is None or not constant_time_compare(digest, _email_digest(user.email)):
        raise VerificationError("This link was sent to an email address this account no longer uses.")
    reader = _reader(user)
    # Conditional: a second visit (or a mail scanner's) keeps the first time.
    Reader.objects.filter(pk=reader.pk, email_verified_at__isnull=True).update(email_verified_at=timezone.now())
    return user
