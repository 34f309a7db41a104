"""`unread_notifications` for every page: the signed-in person's unread count (one COUNT on an
index of (recipient, read_at))."""

from carnet.notifications.selectors import unread_count


def unread(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": unread_count(user)}
