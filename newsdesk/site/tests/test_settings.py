import os
import sqlite3
import subprocess
import sys

import pytest
from django.core.cache import cache


def settings_in_subprocess(env, expr):
    code = f"import newsdesk.settings as s; print({expr})"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)


def test_the_embedded_database_runs_in_wal_mode(tmp_path):
    env = {"VAR_DIR": str(tmp_path), "PATH": os.environ["PATH"]}
    subprocess.run([sys.executable, "-m", "newsdesk.cli", "migrate", "-v0"], env=env, check=True)

    with sqlite3.connect(tmp_path / "newsdesk.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_database_url_chooses_postgresql(tmp_path):
    env = {"DATABASE_URL": "postgres://news:pw@db.example:5433/newsdesk", "VAR_DIR": str(tmp_path)}
    result = settings_in_subprocess(env, "s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME']")
    assert result.stdout.strip() == "django.db.backends.postgresql newsdesk"


def test_default_database_is_sqlite_in_var(tmp_path):
    result = settings_in_subprocess({"VAR_DIR": str(tmp_path)}, "s.DATABASES['default']['NAME']")
    assert result.stdout.strip() == str(tmp_path / "newsdesk.sqlite3")


def test_without_debug_a_secret_key_is_made_once_and_kept(tmp_path):
    env = {"VAR_DIR": str(tmp_path)}
    first = settings_in_subprocess(env, "s.SECRET_KEY").stdout.strip()
    assert len(first) > 40 and settings_in_subprocess(env, "s.SECRET_KEY").stdout.strip() == first
    assert settings_in_subprocess({**env, "SECRET_KEY": "given"}, "s.SECRET_KEY").stdout.strip() == "given"


def test_a_pooled_database_gets_no_server_side_cursors(tmp_path):
    env = {"DATABASE_URL": "postgres://news@db.example/newsdesk", "VAR_DIR": str(tmp_path)}
    flag = "s.DATABASES['default']['DISABLE_SERVER_SIDE_CURSORS']"
    assert settings_in_subprocess(env, flag).stdout.strip() == "False"
    assert settings_in_subprocess({**env, "DATABASE_POOLED": "true"}, flag).stdout.strip() == "True"


def test_import_workers_default_to_one_fewer_than_the_cpus(tmp_path):
    result = settings_in_subprocess({"VAR_DIR": str(tmp_path)}, "s.IMPORT_WORKERS")
    assert int(result.stdout) == min(max(len(os.sched_getaffinity(0)) - 1, 0), 4)
    assert settings_in_subprocess({"VAR_DIR": str(tmp_path), "IMPORT_WORKERS": "0"}, "s.IMPORT_WORKERS").stdout.strip() == "0"


@pytest.mark.parametrize("name, value", [
    ("DEBUG", "maybe"), ("TIME_ZONE", "Mars/Olympus"), ("RIVER_SIZE", "five"), ("IMPORT_WORKERS", "-1"),
    ("DATABASE_POOLED", "perhaps"),
])
def test_bad_settings_are_refused_with_the_variable_named(tmp_path, name, value):
    result = settings_in_subprocess({"VAR_DIR": str(tmp_path), name: value}, "1")
    assert result.returncode != 0 and name in result.stderr


def test_the_cache_works():
    cache.set("newsdesk-test", {"ok": 1}, 5)
    assert cache.get("newsdesk-test") == {"ok": 1}


def test_the_purge_secret_is_made_once_and_kept_unless_given(tmp_path):
    env = {"VAR_DIR": str(tmp_path)}
    first = settings_in_subprocess(env, "s.PURGE_SECRET").stdout.strip()
    assert len(first) > 40 and settings_in_subprocess(env, "s.PURGE_SECRET").stdout.strip() == first
    given = "given-purge-secret_42"
    assert settings_in_subprocess({**env, "PURGE_SECRET": given}, "s.PURGE_SECRET").stdout.strip() == given
    refused = settings_in_subprocess({**env, "PURGE_SECRET": "has spaces and ; in it"}, "s.PURGE_SECRET")
    assert refused.returncode != 0 and "PURGE_SECRET must be" in refused.stderr


def test_static_files_are_collected_into_var_unless_static_root_says(tmp_path):
    env = {"VAR_DIR": str(tmp_path)}
    assert settings_in_subprocess(env, "s.STATIC_ROOT").stdout.strip() == str(tmp_path / "static")
    elsewhere = {**env, "STATIC_ROOT": str(tmp_path / "elsewhere")}
    assert settings_in_subprocess(elsewhere, "s.STATIC_ROOT").stdout.strip() == str(tmp_path / "elsewhere")


def test_web_concurrency_is_at_least_two_workers_unless_given(tmp_path):
    env = {"VAR_DIR": str(tmp_path)}
    assert int(settings_in_subprocess(env, "s.WEB_CONCURRENCY").stdout) >= 2
    assert settings_in_subprocess({**env, "WEB_CONCURRENCY": "1"}, "s.WEB_CONCURRENCY").stdout.strip() == "1"


def test_servers_starting_together_on_a_new_box_agree_on_one_secret_key(tmp_path):
    """Each process makes the key if missing; none may read it half-written."""
    import subprocess
    import sys

    code = ("import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'newsdesk.settings'; "
            "from django.conf import settings; print(settings.SECRET_KEY, settings.PURGE_SECRET)")
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "PURGE_SECRET", "DEBUG", "DATABASE_URL")}
    env["VAR_DIR"] = str(tmp_path)
    processes = [subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, text=True)
                 for _ in range(8)]
    answers = {p.communicate(timeout=60)[0].strip() for p in processes}
    assert all(p.returncode == 0 for p in processes)
    (answer,) = answers
    secret, purge = answer.split()
    assert secret == (tmp_path / "secret-key").read_text() and len(secret) > 40
    assert purge == (tmp_path / "purge-secret").read_text()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["purge-secret", "secret-key"]
