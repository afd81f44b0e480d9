import pytest

from newsdesk.conftest import make_article
from newsdesk.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "headline, slug",
    [
        ("Größter Skandal im Fußball seit Jahren", "groesster-skandal-im-fussball-seit-jahren"),
        ("Blåbærsyltetøy på ærlig vis", "blaabaersyltetoey-paa-aerlig-vis"),
        ("Путин назначил нового посла в США", "putin-naznachil-novogo-posla-v-ssha"),
        ("‘We are already negotiating,” Russian leader says", "we-are-already-negotiating-russian-leader-says"),
    ],
)
def test_headlines_in_any_language_get_readable_urls(client, headline, slug):
    story = make_article(headline=headline)

    assert story.get_absolute_url() == f"/articles/{slug}/"
    assert client.get(story.get_absolute_url()).status_code == 200


def test_the_same_headline_twice_gets_two_urls(client):
    first, second = make_article(headline="Путин"), make_article(headline="Путин")

    assert (first.slug, second.slug) == ("putin", "putin-2")
    assert client.get(second.get_absolute_url()).context["story"] == second


def test_a_headline_with_no_letters_still_gets_a_url():
    assert make_article(headline="!!!").slug == "article"
    assert Person.named("☃").slug == "person"


def test_a_long_headline_is_cut_at_a_word():
    story = make_article(headline="word " * 40)

    assert len(story.slug) <= 80 and not story.slug.endswith("-") and story.slug.endswith("word")


@pytest.mark.django_db
def test_addresses_worked_out_once_follow_the_site_s_prefix(settings):
    """Addresses of stories, sections, people, topics and feeds are reversed once and filled
    in: behind a prefix (a site served under /news/) they carry it, and without it they do not."""
    from django.urls import reverse, set_script_prefix

    from newsdesk.feeds.feeds import feed_url
    from newsdesk.people.models import Topic
    from newsdesk.stories.models import Section

    story = make_article(headline="Harbour ferry returns")
    section, person, topic = Section.named("World"), Person.objects.create(name="Ada Lovelace"), Topic.objects.create(name="Ferries")
    expected = lambda: [reverse("stories:article", args=[story.slug]), reverse("stories:section", args=[section.slug]),  # noqa: E731
                        reverse("people:person", args=[person.slug]), reverse("people:topic", args=[topic.slug]),
                        reverse("feeds:section-rss", args=[section.slug]), reverse("feeds:site-atom")]
    got = lambda: [story.get_absolute_url(), section.get_absolute_url(), person.get_absolute_url(),  # noqa: E731
                   topic.get_absolute_url(), feed_url("section", "rss", section.slug), feed_url("site", "atom")]
    assert got() == expected() == [f"/articles/{story.slug}/", f"/sections/{section.slug}/", f"/people/{person.slug}/",
                                   f"/topics/{topic.slug}/", f"/sections/{section.slug}/feed/", "/feed/atom/"]
    try:
        set_script_prefix("/news/")
        assert got() == expected() and all(url.startswith("/news/") for url in got())
    finally:
        set_script_prefix("/")
    assert got()[0] == f"/articles/{story.slug}/"
