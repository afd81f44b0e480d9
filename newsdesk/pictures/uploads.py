"""Request bodies refused as they arrive: past its limit, a body is answered 413 at once, and the
rest of it is never read (nor kept in memory or on disk).

A picture upload (a POST to the picture library) may be PICTURE_UPLOAD_MAX_BYTES, and its file
PICTURE_MAX_BYTES; any other request REQUEST_MAX_BYTES. nginx in front refuses the same figures
(deploy/nginx.conf); this is the same rule for a server without it."""

from tempfile import SpooledTemporaryFile

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.core.exceptions import RequestDataTooBig
from django.core.handlers.wsgi import LimitedStream
from django.shortcuts import render
from django.urls import reverse

from newsdesk.site.limits import bad_request

from .services import too_large_message

CHUNK = 64 * 1024


class BodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        upload = request.method == "POST" and request.path_info == reverse("pictures:library")
        limit = settings.PICTURE_UPLOAD_MAX_BYTES if upload else settings.REQUEST_MAX_BYTES
        length = request.META.get("CONTENT_LENGTH")
        if length and length.isdigit():
            if int(length) > limit:  # said before it is sent: nothing of it is read
                return too_large(request, upload)
        elif "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            if not _read_chunked(request, limit):
                return too_large(request, upload)
        if upload and request.content_type == "multipart/form-data":
            counter = PictureBytesHandler(settings.PICTURE_MAX_BYTES)
            request.upload_handlers.insert(0, counter)
            request.POST  # noqa: B018 (the form is read now, through the counter, as it arrives)
            if counter.passed:
                return too_large(request, upload)
        return self.get_response(request)


class PictureBytesHandler(FileUploadHandler):
    """Counts the bytes of the uploaded file as they arrive; stops reading once past `limit`."""

    def __init__(self, limit):
        super().__init__()
        self.limit, self.received, self.passed = limit, 0, False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.passed = True
            raise StopUpload(connection_reset=True)  # the rest is not read
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler (memory or temporary file) keeps the file


def _read_chunked(request, limit):
    """A body sent in chunks, without Content-Length, read up to `limit`: False once past it.

    Django reads such a body as empty; it is given the bytes read instead."""
    body, size = SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE), 0
    stream = request.META["wsgi.input"]
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if size > limit:
            body.close()
            return False
        body.write(chunk)
    body.seek(0)
    request.META["CONTENT_LENGTH"] = str(size)
    request._stream = LimitedStream(body, size)  # where Django's request reads its body from
    return True


def too_large(request, upload):
    if not upload:  # any other request: the site's own answer (a page, or JSON to a script)
        return bad_request(request, RequestDataTooBig())
    return render(request, "pictures/too_large.html",
                  {"message": too_large_message(), "back": reverse("pictures:library")}, status=413)
