import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from io import StringIO

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from newsdesk.site.staticfiles import collecting_lock
from newsdesk.newsroom.accounts import ensure_demo_login, has_newsroom_admin

# A client gets REQUEST_HEADER_SECONDS to send its request line and headers (granian counts it
# from the connection's first byte, and again for each request on a kept-alive connection), so
# that a slow or stalled client ties up nothing for long. The body is read by the worker's event
# loop within REQUEST_BODY_SECONDS before Django sees it (newsdesk.site.bodies), and a front
# server (deploy/nginx.conf) buffers it anyway.

# Connections the kernel holds for the workers to accept: a burst waits there, not refused.
BACKLOG = 1024
# Requests one worker takes on at a time; past that it leaves new connections in the backlog
# for a worker with room. Every open page's live stream is a request in progress for as long
# as the page is open (a coroutine and a few kilobytes each), so this is high: thousands of
# readers per worker keep their streams.
BACKPRESSURE = 10_000
# On SIGTERM the workers stop accepting, finish what they are answering, and are killed
# after this long (a stream such as /live/ would otherwise keep a worker for good).
SHUTDOWN_SECONDS = 10


class Command(BaseCommand):
    help = ("Serve Newsdesk with granian on HOST:PORT (default 127.0.0.1:8000). With --demo (as `make demo`"
            " does), also make the demo newsroom account if needed and print its login.")

    def add_arguments(self, parser):
        parser.add_argument("--host", default=settings.HOST)
        parser.add_argument("--port", type=int, default=settings.PORT)
        parser.add_argument("--workers", type=int, default=settings.WEB_CONCURRENCY)
        parser.add_argument(
            "--demo", action="store_true",
            help="a demo start: make the demo newsroom account (or reuse it) and print its login",
        )

    # The checks run in the preparing process (_prepare) with the rest: see there.
    requires_system_checks = []

    def handle(self, *args, host, port, workers, demo, **options):
        login, no_admin = prepared(demo)
        shown_host = f"[{host}]" if ":" in host else host
        self.stdout.write(f"Newsdesk is serving http://{shown_host}:{port}/  (newsroom: http://{shown_host}:{port}/newsroom/)")
        if login:
            self.stdout.write("Demo newsroom login:")
            self.stdout.write(f"username: {login[0]}")
            self.stdout.write(f"password: {login[1]}")
        elif no_admin:
            self.stdout.write("No newsroom account can sign in yet: make the first with `newsdesk createsuperuser`.")
        self.stdout.flush()
        run_granian(host, port, max(1, workers))


def prepared(demo):
    """Check the site and the database, collect the static files and see to the demo login,
    in a process of its own that ends when done: (login or None, whether no admin exists).

    The workers are forked from this process, and each starts with a copy of its memory: the
    migration graph, the system checks' imports and collectstatic's garbage would be some
    15 MB more in every worker, for nothing it serves.
    """
    connection.close()  # the child opens its own; the workers theirs
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as pool:
        return pool.submit(_prepare, demo).result()


def _prepare(demo):
    call_command("check", deploy=False, fail_level="ERROR", stdout=StringIO())
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise CommandError("The database is not up to date: run `newsdesk migrate` first.")
    # Only a demo start touches accounts: a production start never creates, resets,
    # reactivates or prints one (the first is made with `newsdesk createsuperuser`).
    login = ensure_demo_login() if demo else None
    no_admin = not demo and not has_newsroom_admin()
    collect_static()
    connection.close()
    return login, no_admin


def collect_static():
    """Copy the static files to STATIC_ROOT under hashed names, for WhiteNoise or a front server.

    Two `newsdesk serve` starting on one box at once would write the same files and manifest,
    and one's workers would list the folder while the other writes it: a lock makes the
    second wait for the first (then finding nothing left to copy), and the workers wait too.
    """
    with collecting_lock(exclusive=True):
        call_command("collectstatic", interactive=False, verbosity=0)


def run_granian(host, port, workers):
    from granian import Granian
    from granian.constants import HTTPModes, Interfaces, Loops
    from granian.http import HTTP1Settings

    Granian(
        "newsdesk.asgi:application",
        address=host,
        port=port,
        # ASGI with lifespan: each worker starts its live feed and bids to lead (newsdesk.site.lifespan).
        interface=Interfaces.ASGI,
        workers=workers,
        # uvloop answers a cached page about a fifth faster than asyncio's own loop here.
        loop=Loops.uvloop,
        # HTTP/1.1 only: what a front server speaks to its upstream; the header timeout is HTTP/1's.
        http=HTTPModes.http1,
        websockets=False,  # none served: one thing less for a request to be checked for
        http1_settings=HTTP1Settings(header_read_timeout=settings.REQUEST_HEADER_SECONDS * 1000, keep_alive=True),
        backlog=BACKLOG,
        backpressure=BACKPRESSURE,
        workers_kill_timeout=SHUTDOWN_SECONDS,
        respawn_failed_workers=True,
        log_access=False,
    ).serve()
