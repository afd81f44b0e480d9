"""SITE_URL and SITE_TWITTER as the operator writes them: a clear error for a wrong one."""

import subprocess
import sys

import pytest


def settings_with(tmp_path, **env):
    code = "import newsdesk.settings as s; print(s.SITE_URL, s.SITE_TWITTER)"
    return subprocess.run([sys.executable, "-c", code], env={"VAR_DIR": str(tmp_path), **env},
                          capture_output=True, text=True)


def test_site_url_loses_its_trailing_slash(tmp_path):
    result = settings_with(tmp_path, SITE_URL="https://news.example.com/", SITE_TWITTER="@harbournews")
    assert result.stdout.split() == ["https://news.example.com", "@harbournews"]


@pytest.mark.parametrize("value", ["news.example.com", "https://news.example.com/news", "javascript:alert(1)",
                                   "https://news.example.com?x=1"])
def test_a_site_url_that_is_no_site_address_is_refused(tmp_path, value):
    result = settings_with(tmp_path, SITE_URL=value)
    assert result.returncode != 0
    assert "SITE_URL must be an address like https://news.example.com" in result.stderr


def test_a_twitter_account_without_its_at_is_refused(tmp_path):
    result = settings_with(tmp_path, SITE_TWITTER="harbournews")
    assert result.returncode != 0 and "SITE_TWITTER must be an account name like @newsdesk" in result.stderr
