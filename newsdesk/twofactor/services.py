"""The second factor's rules: setting up an authenticator app, checking codes, recovery codes."""

import base64
import hashlib
import hmac
import re
import secrets

import pyotp
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from newsdesk.audit.models import record

from . import vault
from .models import Authenticator, RecoveryCode

RECOVERY_CODES = 10
ISSUER = "Newsdesk"


class CodeRefused(Exception):
    """A code that does not sign anyone in, with the reason to show."""


def required_for(user):
    """Whether the site makes this account use a second factor: staff and superusers, who can
    reach /admin/, when NEWSROOM_REQUIRE_2FA_FOR_ADMINS is on."""
    return settings.NEWSROOM_REQUIRE_2FA_FOR_ADMINS and (user.is_staff or user.is_superuser)


def can_use(user):
    """Newsroom members and the admin's staff may turn a second factor on; readers have none."""
    return user.is_staff or user.is_superuser or user.has_perm("stories.view_story")


def is_on(user):
    return Authenticator.objects.filter(user=user, confirmed_at__isnull=False).exists()


def pending_setup(user):
    """The secret of an authenticator being set up (a new one if none is), to show as a QR code.

    Reloading the page keeps the same secret, so an app that already scanned it still fits.
    """
    authenticator = Authenticator.objects.filter(user=user).first()
    if authenticator is not None and authenticator.is_on:
        raise ValueError("The second factor is already on.")
    if authenticator is None:
        authenticator, _ = Authenticator.objects.get_or_create(
            user=user, defaults={"secret": vault.encrypt(pyotp.random_base32())})
    try:
        return vault.decrypt(authenticator.secret)
    except vault.Unreadable:  # begun before the site's key changed: begin anew
        secret = pyotp.random_base32()
        Authenticator.objects.filter(pk=authenticator.pk).update(secret=vault.encrypt(secret))
        return secret


def setup_uri(user, secret):
    issuer = settings.SITE_NAME or ISSUER
    return pyotp.TOTP(secret).provisioning_uri(name=user.get_username(), issuer_name=issuer)


def qr_svg(uri):
    """An SVG QR code of `uri`, to put straight into the page (no script, no inline style)."""
    import segno  # only the page that sets up an app draws one: no serving process carries it before

    return segno.make(uri, error="m").svg_inline(scale=5, border=4, dark="#000", light="#fff", omitsize=True)


def grouped(secret):
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _matching_step(secret, code, now):
    """The time step whose code `code` is: this one or one either side (clocks drift), or None."""
    totp = pyotp.TOTP(secret)
    step = totp.timecode(now)
    for candidate in (step, step - 1, step + 1):
        if hmac.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def _take_step(authenticator, secret, code):
    step = _matching_step(secret, code, timezone.now())
    if step is None:
        raise CodeRefused("That code is not right. Check the time on your phone, and type the code your app shows now.")
    # Once only: a conditional update, so that two requests with one code cannot both pass.
    if not Authenticator.objects.filter(pk=authenticator.pk, last_step__lt=step).update(last_step=step):
        raise CodeRefused("That code has already been used. Wait for your app to show a new one.")


def digits(code):
    """A code as typed, without spaces or dashes."""
    return re.sub(r"[\s-]", "", code or "")


@transaction.atomic
def turn_on(user, code):
    """Confirm the app being set up with its first code; the new recovery codes, to show once."""
    authenticator = Authenticator.objects.select_for_update().filter(user=user, confirmed_at__isnull=True).first()
    if authenticator is None:
        raise CodeRefused("There is no authenticator being set up. Start again.")
    code = digits(code)
    if not re.fullmatch(r"\d{6}", code):
        raise CodeRefused("Type the six digits your app shows.")
    _take_step(authenticator, vault.decrypt(authenticator.secret), code)
    Authenticator.objects.filter(pk=authenticator.pk).update(confirmed_at=timezone.now())
    codes = new_recovery_codes(user)
    record(user, "two-step sign-in on", user)
    return codes


@transaction.atomic
def turn_off(user):
    Authenticator.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    record(user, "two-step sign-in off", user)


def _hash(code):
    return hashlib.sha256(code.encode()).hexdigest()


def new_recovery_codes(user):
    """Ten new one-time codes in place of any earlier ones, as the user is to write them down."""
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = base64.b32encode(secrets.token_bytes(10)).decode().lower()  # 16 characters, 80 bits
        codes.append("-".join(raw[i:i + 4] for i in range(0, 16, 4)))
    RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create(RecoveryCode(user=user, code_hash=_hash(digits(code))) for code in codes)
    return codes


def renew_recovery_codes(user):
    codes = new_recovery_codes(user)
    record(user, "recovery codes renewed", user)
    return codes


def recovery_codes_left(user):
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def check(user, code):
    """Take a code from the app or a recovery code; "app" or "recovery", or CodeRefused."""
    code = digits(code).lower()
    authenticator = Authenticator.objects.filter(user=user, confirmed_at__isnull=False).first()
    if authenticator is None:
        raise CodeRefused("This account has no second factor.")
    if re.fullmatch(r"\d{6}", code):
        try:
            secret = vault.decrypt(authenticator.secret)
        except vault.Unreadable:
            raise CodeRefused("Your app's codes cannot be checked since the site's key changed. "
                              "Use a recovery code, or ask an administrator.") from None
        _take_step(authenticator, secret, code)
        return "app"
    if re.fullmatch(r"[a-z2-7]{16}", code):
        unused = RecoveryCode.objects.filter(user=user, code_hash=_hash(code), used_at__isnull=True)
        if unused.update(used_at=timezone.now()):  # once only, even for two requests at once
            record(user, "recovery code used", user, note=f"{recovery_codes_left(user)} left")
            return "recovery"
        raise CodeRefused("That recovery code is not right, or has been used already.")
    raise CodeRefused("Type the six digits your app shows, or one of your recovery codes.")
