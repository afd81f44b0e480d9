"""A part of the site's URLconf whose module is imported only when first needed.

Django imports every included module when the URLconf loads, and on the first reverse()
it reads every included resolver's patterns. The JSON API's module brings django-ninja and
pydantic (some 12 MB a serving process), which readers' pages never use. `on_demand()`
gives a namespaced part of the URLconf whose module is imported when an address under it
is asked for, or a name in its namespace is reversed.
"""

from django.urls import URLResolver
from django.urls.resolvers import RoutePattern


class OnDemandResolver(URLResolver):
    wanted = False

    def _populate(self):
        # The site's resolver populates every part it holds at the first reverse();
        # this one only once something asks for it (a resolve, or its namespace).
        if self.wanted:
            super()._populate()

    def _want(self):
        self.wanted = True

    def resolve(self, path):
        if self.pattern.match(str(path)):  # every request's path is tried against it
            self._want()
        return super().resolve(path)

    @property
    def reverse_dict(self):
        self._want()
        return super().reverse_dict

    @property
    def namespace_dict(self):
        self._want()
        return super().namespace_dict

    @property
    def app_dict(self):
        self._want()
        return super().app_dict


def on_demand(route, module, namespace):
    """path(route, include((module, namespace))), with `module` imported when first needed."""
    return OnDemandResolver(RoutePattern(route, is_endpoint=False), module, app_name=namespace, namespace=namespace)
