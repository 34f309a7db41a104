"""What the grades app declares at start-up (notification kinds, navigation, home widgets):
each part has a `register()` in its web module `web/<part>_register.py`."""


def register_all() -> None:
    from carnet.grades import notifying

    notifying.register()
    from carnet.grades.web import (
        council_register,
        family_register,
        settings_register,
        staff_register,
        teacher_register,
    )

    teacher_register.register()
    family_register.register()
    settings_register.register()
    council_register.register()
    staff_register.register()
