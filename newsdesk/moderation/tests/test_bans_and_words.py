from datetime import timedelta

import pytest
from django.utils import timezone

from newsdesk.comments import services
from newsdesk.comments.models import Ban, LogEntry, WordRule

pytestmark = pytest.mark.django_db


def test_add_an_ip_range_ban_from_the_bans_page(mod_client):
    response = mod_client.post("/moderation/bans/", {"kind": "ip", "value": "198.51.100.0/24", "days": "", "reason": "Bot"})

    assert response.status_code == 302 and response["Location"] == "/moderation/bans/"
    assert services.active_ban(ip="198.51.100.200")
    page = mod_client.get("/moderation/bans/").content.decode()
    assert "198.51.100.0/24" in page and "for good" in page


def test_ban_an_account_by_username(mod_client, reader):
    mod_client.post("/moderation/bans/", {"kind": "user", "value": "rita", "days": "3", "reason": "Cooling off"})

    assert services.active_ban(user=reader)
    assert "rita (#%d)" % reader.pk in mod_client.get("/moderation/bans/").content.decode()


def test_an_unknown_account_or_bad_ip_is_not_banned(mod_client):
    unknown = mod_client.post("/moderation/bans/", {"kind": "user", "value": "nobody"})
    bad_ip = mod_client.post("/moderation/bans/", {"kind": "ip", "value": "999.1.1.1"})

    assert unknown.status_code == 400 and "No account is called &#x27;nobody&#x27;." in unknown.content.decode()
    assert bad_ip.status_code == 400 and "is not an IP address or range" in bad_ip.content.decode()
    assert not Ban.objects.exists()


def test_lifting_a_ban_ends_it_keeps_it_listed_and_logs_it(mod_client, moderator):
    ban = services.ban(Ban.Kind.IP, "203.0.113.5", by=moderator, reason="Flooding")

    response = mod_client.post(f"/moderation/bans/{ban.pk}/lift/")

    assert response["Location"] == "/moderation/bans/"
    assert not services.active_ban(ip="203.0.113.5")
    assert LogEntry.objects.filter(action="lift-ip", actor=moderator, note__contains="203.0.113.5/32").exists()
    page = mod_client.get("/moderation/bans/").content.decode()
    assert "No one is banned." in page and "203.0.113.5/32" in page
    assert "lift-ip" in mod_client.get("/moderation/log/").content.decode()


def test_expired_bans_are_listed_without_a_lift_button(mod_client):
    Ban.objects.create(kind=Ban.Kind.EMAIL, value="old@example.org", until=timezone.now() - timedelta(days=1))

    page = mod_client.get("/moderation/bans/").content.decode()

    assert "No one is banned." in page and "old@example.org" in page and "/lift/" not in page


def test_add_and_remove_words_and_log_both(mod_client, moderator):
    mod_client.post("/moderation/words/", {"word": " casino ", "action": "refuse"})
    mod_client.post("/moderation/words/", {"word": "crypto", "action": "hold"})

    page = mod_client.get("/moderation/words/").content.decode()
    banned, suspect = page.split('id="banned-words"')[1].split('id="suspect-words"')
    assert "casino" in banned and "crypto" not in banned and "crypto" in suspect
    with pytest.raises(services.Refused):
        services.check_text("Visit my casino")

    mod_client.post(f"/moderation/words/{WordRule.objects.get(word='casino').pk}/remove/")

    assert list(WordRule.objects.values_list("word", flat=True)) == ["crypto"]
    assert [e.action for e in LogEntry.objects.filter(actor=moderator).order_by("pk")] == ["word-add", "word-add", "word-remove"]
    log = mod_client.get("/moderation/log/").content.decode()
    assert "word-remove" in log and "casino" in log


def test_a_word_already_listed_is_not_added_twice(mod_client):
    WordRule.objects.create(word="casino", action=WordRule.Action.HOLD)

    response = mod_client.post("/moderation/words/", {"word": "casino", "action": "refuse"})

    assert response.status_code == 400 and WordRule.objects.count() == 1


def test_log_filters_by_moderator(mod_client, moderator, django_user_model):
    other = django_user_model.objects.create_superuser("otto", "otto@newsroom.example", "pw")
    services.log(moderator, "word-add", note="by maja")
    services.log(other, "word-add", note="by otto")

    page = mod_client.get("/moderation/log/?actor=otto").content.decode()

    assert "by otto" in page and "by maja" not in page
    assert '<option value="otto" selected>' in page
