"""What the booking part declares at start-up."""


def register() -> None:
    return None
