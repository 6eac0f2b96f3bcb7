class RuleBroken(Exception):
    """A business rule refused a change. The message is written for the person who asked for it; `field`
    names the form field it belongs to, if any, so the view can show it there and in the error summary."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
