"""What the discipline app declares at start-up (notification kinds, navigation, widgets, periodic jobs):
each part has a `register()` in its web module `web/<part>_register.py`."""


def register_all() -> None:
    from carnet.discipline.web import discipline_register

    discipline_register.register()
