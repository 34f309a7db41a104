"""What the timetable part declares at start-up."""


def register() -> None:
    return None
