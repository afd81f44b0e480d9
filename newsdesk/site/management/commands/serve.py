from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from newsdesk.newsroom.accounts import ensure_newsroom_login
from newsdesk.stories import scheduler


class Command(BaseCommand):
    help = "Serve Newsdesk with gunicorn on HOST:PORT (default 127.0.0.1:8000) and print the newsroom login."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=settings.HOST)
        parser.add_argument("--port", type=int, default=settings.PORT)
        parser.add_argument("--workers", type=int, default=settings.WEB_CONCURRENCY)

    def handle(self, *args, host, port, workers, **options):
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("The database is not up to date: run `newsdesk migrate` first.")
        username, password = ensure_newsroom_login()
        connection.close()  # the workers open their own
        shown_host = f"[{host}]" if ":" in host else host
        self.stdout.write(f"Newsdesk is serving http://{shown_host}:{port}/  (newsroom: http://{shown_host}:{port}/newsroom/)")
        self.stdout.write("Newsroom login:")
        self.stdout.write(f"username: {username}")
        self.stdout.write(f"password: {password}")
        self.stdout.flush()
        run_gunicorn(host, port, workers, settings.SCHEDULER_SECONDS)


def run_gunicorn(host, port, workers, scheduler_seconds):
    from gunicorn.app.base import BaseApplication

    from newsdesk.wsgi import application

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"[{host}]:{port}" if ":" in host else f"{host}:{port}")
            self.cfg.set("workers", max(1, workers))
            self.cfg.set("accesslog", None)
            self.cfg.set("graceful_timeout", 5)
            self.cfg.set("keepalive", 5)
            self.cfg.set("control_socket_disable", True)
            if scheduler_seconds:
                # One scheduler, in the master process; publish_due is safe with more anyway.
                self.cfg.set("when_ready", lambda server: scheduler.start(scheduler_seconds))

        def load(self):
            return application

    Server().run()
