"""What the attendance app declares at start-up (notification kinds, navigation, widgets, periodic jobs):
each part has a `register()` in its web module `web/<part>_register.py`."""


def register_all() -> None:
    from carnet.attendance.web import absences_register, registers_register

    registers_register.register()
    absences_register.register()
