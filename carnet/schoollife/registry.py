"""What the schoollife app declares at start-up (notification kinds, navigation, widgets, periodic jobs):
each part has a `register()` in its web module `web/<part>_register.py`."""


def register_all() -> None:
    from carnet.schoollife.web import mailing_register, record_register

    record_register.register()
    mailing_register.register()
