"""What the timetable app declares at start-up (notification kinds, navigation, widgets, periodic jobs):
each part has a `register()` in its web module `web/<part>_register.py`."""


def register_all() -> None:
    from carnet.timetable.web import booking_register, timetable_register

    timetable_register.register()
    booking_register.register()
