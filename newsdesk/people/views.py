from django.shortcuts import get_object_or_404
from django.views.generic import ListView

from .models import Person, Topic


class TagStories(ListView):
    """A person's or topic's stories, newest first."""

    model = None
    template_name = "people/tag.html"
    paginate_by = 20

    def get_queryset(self):
        self.tag = get_object_or_404(self.model, slug=self.kwargs["slug"])
        return self.tag.stories.for_listing()

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


person = TagStories.as_view(model=Person)
topic = TagStories.as_view(model=Topic)
