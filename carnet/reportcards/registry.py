"""What the reportcards app declares at start-up (notification kinds, navigation, home widgets):
each part has a `register()` in its web module `web/<part>_register.py`."""


def register_all() -> None:
    from carnet.reportcards.web import cards_register
    cards_register.register()
