"""The memory inspector: a server-rendered web UI at ``/ui`` over the daemon's memory.

It reads and changes memory through the same backend the HTTP API uses (see
:class:`~memoryd.ui.backend.InspectorBackend`), behind the same tokens; every asset it
serves is in this package, so it works with no network. The daemon mounts it with
:func:`inspector_router`.
"""

from memoryd.ui.routes import inspector_router

__all__ = ["inspector_router"]
