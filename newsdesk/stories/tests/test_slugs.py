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
