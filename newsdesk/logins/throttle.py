"""Failed sign-ins, counted per account and per client address, on every login form.

After LOGIN_FAILURES_PER_ACCOUNT failures for an account (the username or email typed,
whether or not such an account exists, so the answer tells nothing about which do), or
LOGIN_FAILURES_PER_CLIENT from one address, a form refuses to check any password for it
until the window closes. A successful sign-in counts nothing.
"""

import ipaddress
import logging
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from newsdesk import ratelimit
from newsdesk.ratelimit import store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Refusal:
    retry_after: int  # whole seconds until the window that refuses closes

    @property
    def minutes(self):
        return max(-(-self.retry_after // 60), 1)

    @property
    def message(self):
        unit = "minute" if self.minutes == 1 else "minutes"
        return (f"Too many failed sign-ins for this account or from your network. "
                f"Please try again in {self.minutes} {unit}.")


def account_of(typed):
    """The account a sign-in names, as counted: "Ada@Example.org " and "ada@example.org" are one."""
    return unicodedata.normalize("NFKC", typed or "").strip().casefold()


def client_of(request):
    """The client address, as counted: an IPv6 address stands for its /64, which one
    household or machine usually holds whole."""
    address = ratelimit.client_ip(request)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def begin(request, typed_account, form):
    """A sign-in about to check a password: a Refusal when this account or this client has failed
    too often lately (no password is checked then, and nothing counted), else an Attempt.

    The Attempt is counted as a failure from the start, and given back if the password is right:
    so many sign-ins sent at once cannot all pass a limit that each of them alone would meet.
    """
    attempt = Attempt(request, typed_account, form)
    try:
        current = store.current()
        refused = attempt.refusal(current.peek(attempt.limits))
        if refused is None:
            counted = {key: current.hit(key, window) for key, (_, window) in attempt.limits.items()}
            refused = attempt.refusal(counted, over=True)
            if refused is None:
                attempt.counted = True
            else:  # others took the last places meanwhile: this one is not counted after all
                attempt.give_back()
    except Exception:
        # The store is out of reach: sign-ins go on unthrottled rather than fail.
        log.warning("sign-in throttle not checked: the store is out of reach", exc_info=True)
        return attempt
    if refused is not None:
        log.warning("sign-in refused: too many failures (account %r, client %s, form %s); retry after %d s",
                    attempt.account, attempt.client, form, refused.retry_after)
        return refused
    return attempt


class Attempt:
    """One sign-in under way, counted as failed for its account and its client."""

    def __init__(self, request, typed_account, form):
        self.account, self.client, self.form = account_of(typed_account), client_of(request), form
        self.limits = {
            ratelimit.key("login-account", self.account): settings.LOGIN_FAILURES_PER_ACCOUNT,
            ratelimit.key("login-client", self.client): settings.LOGIN_FAILURES_PER_CLIENT,
        }
        self.counted = False

    def refusal(self, windows, over=False):
        """A Refusal if any of `windows` ({key: (failures, seconds left)}) is at its limit (or past
        it, with `over`: the count includes this attempt)."""
        waits = [left for key, (hits, left) in windows.items()
                 if hits > self.limits[key][0] or (hits == self.limits[key][0] and not over)]
        return Refusal(store.retry_after(max(waits))) if waits else None

    def failed(self):
        """The password was wrong (or the account cannot sign in): it stays counted."""
        log.warning("sign-in failed (account %r, client %s, form %s)", self.account, self.client, self.form)

    def passed(self):
        """Signed in, or no password was checked after all: it does not count."""
        if self.counted:
            try:
                self.give_back()
            except Exception:
                log.warning("a sign-in was counted as failed: the store is out of reach", exc_info=True)

    def give_back(self):
        self.counted = False
        current = store.current()
        for key in self.limits:
            current.give_back(key)


@contextmanager
def guarded(request, typed_account, form):
    """Around a login form's password check: refused at once (a ValidationError, code "throttled")
    when the account or client failed too often; a ValidationError from the check is a failure,
    anything else (signed in, or an error of the server's) does not count."""
    attempt = begin(request, typed_account, form)
    if isinstance(attempt, Refusal):
        raise ValidationError(attempt.message, code="throttled", params={"retry_after": attempt.retry_after})
    try:
        yield
    except ValidationError:
        attempt.failed()
        raise
    except BaseException:
        attempt.passed()
        raise
    attempt.passed()


def retry_after(form):
    """Seconds to wait when `form` was refused by the throttle, else None."""
    if form is None or not form.has_error(NON_FIELD_ERRORS, "throttled"):
        return None
    return next(error.params["retry_after"] for error in form.errors.as_data()[NON_FIELD_ERRORS]
                if error.code == "throttled")


def answer(response, form):
    """A login page's response, made 429 with Retry-After when its form was refused."""
    seconds = retry_after(form)
    if seconds is not None:
        response.status_code = 429
        response["Retry-After"] = str(seconds)
    return response
