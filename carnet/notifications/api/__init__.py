"""The notifications API router, mounted at /api/v1/notifications by config/api.py."""

from carnet.notifications.api.routes import router

__all__ = ["router"]
