"""A browser and system in a few words, from a User-Agent header ("Firefox on Windows").

Rough on purpose: it only helps a person tell their own sessions apart.
"""

import re

# Order matters: Edge and Opera also say Chrome, Chrome also says Safari.
BROWSERS = [
    ("Edge", r"Edg(e|A|iOS)?/"),
    ("Opera", r"OPR/|Opera"),
    ("Samsung Internet", r"SamsungBrowser/"),
    ("Firefox", r"Firefox/|FxiOS/"),
    ("Chromium", r"Chromium/"),
    ("Chrome", r"Chrome/|CriOS/"),
    ("Safari", r"Safari/"),
    ("curl", r"^curl/"),
]
SYSTEMS = [
    ("iPhone", r"iPhone"),
    ("iPad", r"iPad"),
    ("Android", r"Android"),
    ("Chrome OS", r"CrOS"),
    ("Windows", r"Windows"),
    ("macOS", r"Mac OS X|Macintosh"),
    ("Linux", r"Linux|X11"),
]


def describe(user_agent):
    user_agent = user_agent or ""
    browser = next((name for name, pattern in BROWSERS if re.search(pattern, user_agent)), None)
    system = next((name for name, pattern in SYSTEMS if re.search(pattern, user_agent)), None)
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or ("Unknown browser" if user_agent else "No browser named")
