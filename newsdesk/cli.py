"""The `newsdesk` command: Django's management commands with Newsdesk's settings."""

import os
import sys


def main(argv=None):
    """Run a management command; output piped into a pager or `head` may close early."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["newsdesk", *(sys.argv[1:] if argv is None else argv)])
    except BrokenPipeError:
        # The reader stopped reading (`newsdesk import --json ... | head`): no traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(141)


if __name__ == "__main__":
    main()
