"""What the API answers when it cannot do what was asked: JSON `{"error": ..., "field": ...}`
with the status that says why, never an HTML page."""


class ApiError(Exception):
    def __init__(self, status, message, *, field=None, headers=None, **extra):
        super().__init__(message)
        self.status, self.message, self.field, self.headers = status, message, field, headers or {}
        self.extra = extra

    def body(self):
        return {"error": self.message, "field": self.field, **self.extra}
