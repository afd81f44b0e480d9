"""A serving worker killed (SIGKILL, as the kernel's out-of-memory killer would) while guests post
comments: every comment the server acknowledged is stored, none twice, also when a guest sent
its form again after the answer was lost with the worker. The server starts a new worker."""

import json
import os
import signal
import threading
import time

import pytest

from newsdesk.live.tests.conftest import publish_brief, start_servers
from newsdesk.site.tests.faults import Guest, current_test
from newsdesk.testing import record_figures

WORKERS = 3


def workers(server):
    """The pids of the server's worker processes (its children)."""
    pid = server.process.pid
    children = set()
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/children") as f:
                children.update(int(child) for child in f.read().split())
        except FileNotFoundError:
            pass
    return sorted(children)


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ", 1)[1][0] != "Z"
    except FileNotFoundError:
        return False


class Commenter(threading.Thread):
    """A guest posting `count` comments, each from a fresh form; a send whose answer is lost
    (the connection dropped) or that failed on the server is sent again, the same form."""

    def __init__(self, base, story, count, started):
        super().__init__(daemon=True)
        self.guest, self.count, self.started = Guest(base, *story), count, started
        self.acknowledged, self.unanswered, self.resent, self.refused = [], 0, 0, []

    def run(self):
        self.started.wait()
        for n in range(self.count):
            text = f"{self.guest.name} says number {n}."
            for attempt in range(40):
                try:
                    if self.guest.form is None:
                        self.guest.open_form()
                    if attempt:
                        self.resent += 1
                    status, _, body = self.guest.post(text, timeout=20)
                except (OSError, AssertionError):  # the worker died under this request
                    self.unanswered += 1
                    time.sleep(0.2)
                    continue
                if status == 302:
                    self.acknowledged.append(text)
                elif status >= 500:
                    time.sleep(0.2)
                    continue
                else:
                    self.refused.append((text, status, body[:300]))
                break
            self.guest.form = None


def run(tmp_path, *, clients, per_client, kills, figures=None):
    (server,) = start_servers(tmp_path / "served", WEB_CONCURRENCY=str(WORKERS), COMMENTS_ON_BRIEFS="true",
                              COMMENTS_MIN_SECONDS="0", COMMENTS_RATE_IP="100000/60")
    try:
        story_id = publish_brief(server, "Tell us what you think of the new ferry timetable.")
        path = server.shell(f"from newsdesk.stories.models import Story; print(Story.objects.get(pk={story_id})"
                            ".get_absolute_url())")
        before = workers(server)
        assert len(before) == WORKERS, f"expected {WORKERS} workers, found {before}"

        go = threading.Event()
        commenters = [Commenter(server.url, (path, story_id), per_client, go) for _ in range(clients)]
        for commenter in commenters:
            commenter.start()
        began = time.monotonic()
        go.set()
        planned, killed, respawn_seconds = clients * per_client, [], []
        for k in range(kills):
            # Mid-run: once a share of the comments is in, with the others in flight.
            while sum(len(c.acknowledged) for c in commenters) < planned * (k + 1) / (kills + 1):
                assert any(c.is_alive() for c in commenters), "the guests stopped before the kill"
                time.sleep(0.01)
            victim = workers(server)[k % WORKERS]
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)
            down = time.monotonic()
            while alive(victim) or len(workers(server)) < WORKERS:
                assert time.monotonic() - down < 60, "no worker took the killed one's place"
                time.sleep(0.05)
            respawn_seconds.append(round(time.monotonic() - down, 2))
        for commenter in commenters:
            commenter.join(300)
        elapsed = time.monotonic() - began
        assert not any(c.is_alive() for c in commenters), "a guest was still waiting after five minutes"
        assert server.process.poll() is None, "the server died with its worker"

        stored = json.loads(server.shell(
            "import json; from newsdesk.comments.models import Comment; "
            "print(json.dumps(list(Comment.objects.values_list('text', flat=True))))"))
        acknowledged = [text for c in commenters for text in c.acknowledged]
        refused = [r for c in commenters for r in c.refused]
        lost = sorted(set(acknowledged) - set(stored))
        duplicates = len(stored) - len(set(stored))
        unanswered = sum(c.unanswered for c in commenters)

        assert not lost, f"acknowledged but not stored: {lost[:5]}"
        assert not duplicates, f"{duplicates} comments stored twice"
        assert not refused, f"a send was refused: {refused[:3]}"
        assert len(acknowledged) == planned, "every guest's comments were all acknowledged in the end"
        assert unanswered, "no request was in flight when the worker died: the test proved nothing"
        assert set(workers(server)).isdisjoint(killed) and len(workers(server)) == WORKERS
        if figures:
            record_figures(
                figures, test=current_test(), title="Serving workers killed while 50 guests comment",
                what=(f"{clients} guests post {per_client} comments each (a fresh form each) to a real `newsdesk serve` "
                      f"with {WORKERS} workers on SQLite; {kills} serving worker(s) SIGKILLed mid-run. A send whose "
                      "answer was lost is sent again, the same form."),
                faults_injected=kills, clients=clients, comments_planned=planned,
                comments_acknowledged=len(acknowledged), comments_stored=len(stored), comments_lost=len(lost),
                duplicates=duplicates, sends_unanswered_by_a_killed_worker=unanswered,
                sends_repeated=sum(c.resent for c in commenters),
                seconds_until_a_new_worker=respawn_seconds, seconds_total=round(elapsed, 1),
            )
    finally:
        server.stop()


def test_a_killed_worker_loses_no_acknowledged_comment(tmp_path):
    run(tmp_path, clients=12, per_client=4, kills=1)


@pytest.mark.reliability
def test_killed_workers_lose_no_comment_of_50_guests(tmp_path):
    run(tmp_path, clients=50, per_client=8, kills=2, figures="killed-worker")
