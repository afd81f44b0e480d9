from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from newsdesk.site.nginx import body_limits, render_nginx_config

class Command(BaseCommand):
    help = "Print deploy/nginx.conf with this site's values filled in (PURGE_SECRET comes from the settings)."

    def add_arguments(self, parser):
        host = "127.0.0.1" if settings.HOST in ("0.0.0.0", "::", "") else settings.HOST
        upstream = f"[{host}]:{settings.PORT}" if ":" in host else f"{host}:{settings.PORT}"
        names = " ".join(name for name in settings.ALLOWED_HOSTS if name != "testserver")
        parser.add_argument("--listen", default="80", help="what nginx listens on, e.g. 80 or 127.0.0.1:8080 (default 80)")
        parser.add_argument("--upstream", default=upstream, help=f"host:port of `newsdesk serve` (default {upstream})")
        parser.add_argument("--server-name", default=names, help="the site's host names, separated by spaces (default ALLOWED_HOSTS)")
        parser.add_argument("--cache-dir", default="/var/cache/nginx/newsdesk", help="nginx's page cache, writable by nginx")
        parser.add_argument("--static-root", default=str(settings.STATIC_ROOT), help="default STATIC_ROOT")

    def handle(self, *args, listen, upstream, server_name, cache_dir, static_root, **options):
        try:
            config = render_nginx_config(
                LISTEN=listen, UPSTREAM=upstream, SERVER_NAME=server_name, CACHE_DIR=cache_dir,
                STATIC_ROOT=static_root.rstrip("/") or "/", PURGE_SECRET=settings.PURGE_SECRET,
                **body_limits(),
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(config, ending="")
