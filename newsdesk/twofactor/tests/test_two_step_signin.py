import pytest

from newsdesk.conftest import PASSWORD, make_member
from newsdesk.twofactor import signin
from newsdesk.twofactor.models import Authenticator, RecoveryCode

from .helpers import code, give_code, is_signed_in, new_client, sign_in, turn_on

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_step")]


@pytest.fixture
def editor():
    return make_member("ed", "Editor")


@pytest.fixture
def with_two_step(editor):
    """The editor, with two-step sign-in turned on: (user, secret, recovery codes)."""
    client = new_client()
    client.force_login(editor)
    secret, codes = turn_on(client)
    return editor, secret, codes


def test_an_editor_sets_up_two_step_sign_in_from_a_qr_code(editor):
    client = new_client()
    client.force_login(editor)

    page = client.get("/newsroom/security/")
    assert b"<strong>Off.</strong>" in page.content and b'href="/newsroom/security/setup/"' in page.content
    setup = client.get("/newsroom/security/setup/")
    assert setup.status_code == 200
    assert b"<svg" in setup.content and b'aria-label="QR code for your authenticator app"' in setup.content
    assert b'autocomplete="one-time-code"' in setup.content

    secret, codes = turn_on(client)

    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/newsroom/security/").content.count(b"<strong>On.</strong>") == 1
    # The secret is kept encrypted, and never shown again; the recovery codes only as hashes.
    stored = Authenticator.objects.get(user=editor)
    assert secret not in stored.secret and stored.confirmed_at is not None
    assert secret.encode() not in client.get("/newsroom/security/").content
    assert client.get("/newsroom/security/setup/")["Location"] == "/newsroom/security/"
    hashes = set(RecoveryCode.objects.filter(user=editor).values_list("code_hash", flat=True))
    assert not any(c in h or c.replace("-", "") in h for c in codes for h in hashes)


def test_a_wrong_first_code_does_not_turn_it_on(editor):
    client = new_client()
    client.force_login(editor)
    client.get("/newsroom/security/setup/")

    page = client.post("/newsroom/security/setup/", {"code": "000000"})

    assert page.status_code == 400 and b"That code is not right" in page.content
    assert not Authenticator.objects.get(user=editor).is_on


def test_with_two_step_on_the_password_alone_does_not_sign_in(with_two_step):
    editor, secret, _ = with_two_step
    client = new_client()

    page = sign_in(client, "ed", next_url="/newsroom/stories/")

    assert page.status_code == 302 and page["Location"] == "/newsroom/security/code/"
    assert not is_signed_in(client)  # waiting for the code is not being signed in
    form = client.get("/newsroom/security/code/")
    assert b"Code from your app" in form.content and b"Your password was right" in form.content

    done = give_code(client, code(secret))

    assert done.status_code == 302 and done["Location"] == "/newsroom/stories/"
    assert is_signed_in(client)


def test_a_code_from_the_step_before_or_after_is_taken_for_a_clock_a_little_off(with_two_step):
    editor, secret, _ = with_two_step
    client = new_client()
    sign_in(client, "ed")

    assert give_code(client, code(secret, +1)).status_code == 302 and is_signed_in(client)
    other = new_client()
    sign_in(other, "ed")
    assert give_code(other, code(secret, +2)).status_code == 400  # nor anything further off


def test_a_wrong_code_is_refused_and_the_fifth_starts_over(with_two_step):
    editor, secret, _ = with_two_step
    client = new_client()
    sign_in(client, "ed")

    for left in (4, 3, 2, 1):
        page = give_code(client, "123456" if code(secret) != "123456" else "654321")
        assert page.status_code == 400
        assert b"That code is not right" in page.content
        assert f"{left} {'try' if left == 1 else 'tries'} left".encode() in page.content
    last = give_code(client, code(secret, +5))

    assert last.status_code == 429
    assert b"Too many wrong codes. For your safety, sign in again with your password." in last.content
    # Even the right code does no good now: the password comes first again.
    again = give_code(client, code(secret))
    assert again.status_code == 302 and again["Location"] == "/account/login/"
    assert not is_signed_in(client)


def test_a_code_cannot_be_used_twice(with_two_step):
    editor, secret, _ = with_two_step
    first, second = new_client(), new_client(ip="192.0.2.20")
    sign_in(first, "ed")
    sign_in(second, "ed")
    used = code(secret)

    assert give_code(first, used).status_code == 302
    replay = give_code(second, used)

    assert replay.status_code == 400 and b"That code has already been used" in replay.content
    assert not is_signed_in(second)


def test_a_recovery_code_signs_in_once(with_two_step):
    editor, secret, codes = with_two_step
    first, second = new_client(), new_client()
    sign_in(first, "ed")
    sign_in(second, "ed")

    page = give_code(first, codes[3].upper().replace("-", " "))  # as typed from paper

    landing = first.get("/newsroom/")
    assert page.status_code == 302 and landing.status_code == 200
    assert b"You signed in with a recovery code; it cannot be used again. 9 left" in landing.content
    again = give_code(second, codes[3])
    assert again.status_code == 400 and b"has been used already" in again.content
    assert not is_signed_in(second)
    assert b"Recovery codes left: <strong>9</strong>" in first.get("/newsroom/security/").content


def test_the_code_step_waits_five_minutes_at_most(with_two_step):
    editor, secret, _ = with_two_step
    client = new_client()
    sign_in(client, "ed")
    session = client.session
    session[signin.PENDING]["until"] -= signin.PENDING_SECONDS + 1
    session.save()

    page = give_code(client, code(secret))

    assert page.status_code == 302 and page["Location"] == "/account/login/"
    assert b"waited too long" in client.get("/account/login/").content
    assert not is_signed_in(client)


def test_a_code_is_asked_only_of_accounts_that_turned_it_on(editor):
    client = new_client()

    page = sign_in(client, "ed")

    assert page.status_code == 302 and page["Location"] == "/" and is_signed_in(client)
    assert client.get("/newsroom/security/code/")["Location"] == "/account/login/"


def test_the_admin_sign_in_form_is_no_way_around_the_code(with_two_step, django_user_model):
    editor, secret, _ = with_two_step
    django_user_model.objects.filter(pk=editor.pk).update(is_staff=True, is_superuser=True)
    client = new_client()

    assert client.get("/admin/login/?next=/admin/")["Location"] == "/account/login/?next=/admin/"
    page = client.post("/admin/login/", {"username": "ed", "password": PASSWORD, "next": "/admin/"})

    assert page.status_code == 200 and b"sign in through the newsroom" in page.content
    assert client.get("/admin/").status_code == 302
    # Through the newsroom's sign-in, with the code, the admin opens.
    sign_in(client, "ed", next_url="/admin/")
    assert give_code(client, code(secret))["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_session_made_without_the_code_is_signed_out(with_two_step):
    editor, secret, _ = with_two_step
    client = new_client()
    client.force_login(editor)  # as any other way in than the sign-in page would

    page = client.get("/newsroom/")

    assert page.status_code == 302 and page["Location"] == "/account/login/?next=/newsroom/"
    assert not is_signed_in(client)


def test_turning_it_off_needs_the_password_or_a_code(with_two_step):
    editor, secret, _ = with_two_step
    client = new_client()
    sign_in(client, "ed")
    give_code(client, code(secret))

    refused = client.post("/newsroom/security/off/", {"off-password": "not the password"})
    empty = client.post("/newsroom/security/off/", {})
    done = client.post("/newsroom/security/off/", {"off-password": PASSWORD}, follow=True)

    assert refused.status_code == 400 and b"That password is not right." in refused.content
    assert empty.status_code == 400 and b"Type a code from your app, or your password." in empty.content
    assert b"Two-step sign-in is off" in done.content and not Authenticator.objects.filter(user=editor).exists()
    other = new_client()
    assert sign_in(other, "ed")["Location"] == "/" and is_signed_in(other)


def test_new_recovery_codes_replace_the_old_ones(with_two_step):
    editor, secret, codes = with_two_step
    client = new_client()
    sign_in(client, "ed")
    give_code(client, code(secret))

    page = client.post("/newsroom/security/recovery-codes/", {"codes-code": code(secret, +1)})

    assert page.status_code == 200 and b"they are not shown again" in page.content
    other = new_client()
    sign_in(other, "ed")
    assert give_code(other, codes[0]).status_code == 400


def test_turning_it_on_signs_out_the_other_sessions(editor):
    laptop, phone = new_client(), new_client(ip="192.0.2.20")
    sign_in(laptop, "ed")
    sign_in(phone, "ed")
    assert is_signed_in(phone)

    turn_on(laptop)

    assert is_signed_in(laptop) and not is_signed_in(phone)


def test_readers_have_no_two_step_page(client, django_user_model):
    reader = django_user_model.objects.create_user("ada", "ada@example.org", PASSWORD)
    client.force_login(reader)

    assert client.get("/newsroom/security/").status_code == 403
    assert client.get("/newsroom/security/setup/").status_code == 403
