"""What the absences part declares at start-up."""


def register() -> None:
    return None
