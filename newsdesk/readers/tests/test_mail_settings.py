import os
import subprocess
import sys

import pytest


def settings_value(tmp_path, expr, **env):
    code = f"import newsdesk.settings as s; print({expr})"
    env = {"VAR_DIR": str(tmp_path), "PATH": os.environ["PATH"], **env}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)


def test_without_a_mail_server_mail_is_printed(tmp_path):
    result = settings_value(tmp_path, "s.EMAIL_BACKEND, s.DEFAULT_FROM_EMAIL")

    assert result.stdout.strip() == "django.core.mail.backends.console.EmailBackend Newsdesk <newsroom@localhost>"


def test_a_mail_server_is_used_with_starttls_by_default(tmp_path):
    result = settings_value(
        tmp_path, "s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS, s.EMAIL_USE_SSL, s.EMAIL_HOST_USER",
        EMAIL_HOST="smtp.example.org", EMAIL_HOST_USER="news",
    )

    assert result.stdout.split() == ["django.core.mail.backends.smtp.EmailBackend", "smtp.example.org", "587", "True", "False", "news"]


def test_ssl_replaces_starttls(tmp_path):
    result = settings_value(tmp_path, "s.EMAIL_USE_TLS, s.EMAIL_USE_SSL", EMAIL_HOST="smtp.example.org", EMAIL_USE_SSL="true", EMAIL_PORT="465")

    assert result.stdout.split() == ["False", "True"]


@pytest.mark.parametrize("env, named", [
    ({"EMAIL_HOST": "smtp.example.org", "EMAIL_PORT": "smtp"}, "EMAIL_PORT"),
    ({"EMAIL_HOST": "smtp.example.org", "EMAIL_USE_TLS": "true", "EMAIL_USE_SSL": "true"}, "EMAIL_USE_SSL"),
    ({"TRUSTED_PROXY_COUNT": "-1"}, "TRUSTED_PROXY_COUNT"),
])
def test_bad_mail_and_proxy_settings_are_refused_with_the_variable_named(tmp_path, env, named):
    result = settings_value(tmp_path, "1", **env)

    assert result.returncode != 0 and named in result.stderr
