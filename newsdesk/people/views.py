from django.http import Http404, HttpResponsePermanentRedirect
from django.views.generic import ListView

from . import services
from .models import Person, Topic


class TagStories(ListView):
    """A person's or topic's stories, newest first. An old slug (the tag was renamed or
    merged) answers with a permanent redirect to the tag's page."""

    model = None
    template_name = "people/tag.html"
    paginate_by = 20

    def get(self, request, *args, **kwargs):
        found = self.model.objects.filter(slug=kwargs["slug"])
        self.tag = (found.select_related("photo") if self.model is Person else found).first()
        if self.tag is None:
            moved = services.redirect_for(self.model, kwargs["slug"])
            if moved is None:
                raise Http404(f"No {self.model._meta.verbose_name} at this address.")
            query = request.GET.urlencode()
            return HttpResponsePermanentRedirect(moved.get_absolute_url() + (f"?{query}" if query else ""))
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if isinstance(self.tag, Person):
            from newsdesk.stories.models import Story

            return Story.objects.by_or_about(self.tag).for_listing()
        return self.tag.stories.for_listing()

    def get_context_data(self, **kwargs):
        from newsdesk.stories.views import tag_listing

        context = super().get_context_data(tag=self.tag, **kwargs)
        if isinstance(self.tag, Person):
            from newsdesk.feeds.feeds import feed_url

            context["feed_url"] = feed_url("person", "rss", self.tag.slug)
        tag_listing(self.request, context["object_list"], f"{self.model._meta.model_name}:{self.tag.pk}")
        return context


person = TagStories.as_view(model=Person)
topic = TagStories.as_view(model=Topic)
