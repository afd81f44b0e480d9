from django.contrib.sitemaps import Sitemap

from newsdesk.stories.models import Story


class StorySitemap(Sitemap):
    limit = 5000

    def items(self):
        return Story.objects.published().only("slug", "kind", "published_at", "updated_at").order_by("-published_at")

    def lastmod(self, story):
        return story.updated_at or story.published_at
