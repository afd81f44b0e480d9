"""The ASGI application `newsdesk serve` runs: Django, plus the lifespan events Django does not take."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
django_application = get_asgi_application()


async def application(scope, receive, send):
    if scope["type"] != "lifespan":
        return await django_application(scope, receive, send)
    from newsdesk.site import lifespan

    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            try:
                lifespan.startup()
            except Exception as error:
                await send({"type": "lifespan.startup.failed", "message": repr(error)})  # the worker stops
                return
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
