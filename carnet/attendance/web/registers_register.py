"""What the registers part declares at start-up."""


def register() -> None:
    return None
