import pytest

from newsdesk.signins.browsers import describe


@pytest.mark.parametrize("agent, seen", [
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 "
     "Edg/126.0.0.0", "Edge on Windows"),
    ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0.0.0 Safari/537.36",
     "Chrome on Linux"),
    ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36",
     "Chrome on Android"),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
     "Safari on macOS"),
    ("curl/8.5.0", "curl"),
    ("something else", "Unknown browser"),
    ("", "No browser named"),
])
def test_a_session_is_named_by_its_browser_and_system(agent, seen):
    assert describe(agent) == seen
