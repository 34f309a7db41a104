"""What every page template needs: the navigation of the signed-in person.

Apps above declare their navigation entries through `carnet.ui.navigation.register`; the design
system knows no school concept itself."""

from carnet.ui import navigation


def ui(request):
    return {"nav_items": navigation.items_for(request)}
