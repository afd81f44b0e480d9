from django.apps import AppConfig


class PageCacheConfig(AppConfig):
    name = "newsdesk.pagecache"
    label = "pagecache"
    verbose_name = "Page cache"

    def ready(self):
        from newsdesk.live import state

        from . import purge, store

        # Every change, made here or learnt of by the feed, drops the pages that show it.
        state.on_change(store.purge)
        store.on_refresh(purge.refresh_in_nginx)
