"""The deployment's background duties, done by one process at a time however many serve:
publishing scheduled stories on time, and telling a CDN or Varnish what to purge.

Every serving process tries to lead; one holds the lock, and when it dies the lock goes
with it (a PostgreSQL session's advisory lock, or a lock on a file in VAR_DIR for the
embedded database, which lives on one machine) and another process takes over within
seconds."""

import fcntl
import logging
import os
import threading
import time

from django.conf import settings
from django.db import close_old_connections, connection

log = logging.getLogger(__name__)

LEADER_LOCK = 0x4E455753 + 1
TRY_EVERY = 2.0


class FileLock:
    def __init__(self, path):
        self.path, self.file = path, None

    def acquire(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self.file = handle
        return True

    def still_held(self):
        return self.file is not None

    def release(self):
        if self.file is not None:
            self.file.close()
            self.file = None


class AdvisoryLock:
    """A session-level PostgreSQL advisory lock on a connection of its own."""

    def __init__(self):
        self.conn = None

    def acquire(self):
        import psycopg

        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        try:
            conn = psycopg.connect(**params, autocommit=True, connect_timeout=5)
            if conn.execute("SELECT pg_try_advisory_lock(%s)", [LEADER_LOCK]).fetchone()[0]:
                self.conn = conn
                return True
            conn.close()
        except Exception:
            log.warning("could not ask PostgreSQL for the leader's lock", exc_info=True)
        return False

    def still_held(self):
        try:
            self.conn.execute("SELECT 1")
            return True
        except Exception:
            self.release()
            return False

    def release(self):
        if self.conn is not None:
            try:
                self.conn.close()
            except Exception:
                pass
            self.conn = None


def make_lock():
    if connection.vendor == "postgresql":
        return AdvisoryLock()
    return FileLock(settings.VAR_DIR / "leader.lock")


class Leader:
    def __init__(self):
        self.lock = make_lock()
        self.leading = False
        self.stop = threading.Event()
        self.next_publish = 0.0

    def run(self):
        while not self.stop.is_set():
            try:
                if self.leading and not self.lock.still_held():
                    log.warning("process %s lost the lead", os.getpid())
                    self.leading = False
                if not self.leading and self.lock.acquire():
                    log.info("process %s leads the background duties", os.getpid())
                    self.leading = True
                if self.leading:
                    self.duties()
            except Exception:
                log.exception("the leader's duties failed; going on")
            finally:
                close_old_connections()
            self.stop.wait(1.0 if self.leading else TRY_EVERY)
        self.lock.release()

    def duties(self):
        from newsdesk.pagecache import purge
        from newsdesk.stories.services import publish_due

        now = time.monotonic()
        if settings.SCHEDULER_SECONDS and now >= self.next_publish:
            self.next_publish = now + settings.SCHEDULER_SECONDS
            for story in publish_due():
                log.warning("published on schedule: %s", story.headline)
        if settings.PURGE_HOOK_URL:
            purge.tell_hook()


_leader = None


def start():
    """Start trying to lead (once per process); returns the Leader."""
    global _leader
    if _leader is None:
        _leader = Leader()
        threading.Thread(target=_leader.run, name="leader", daemon=True).start()
    return _leader
