"""What the record part declares at start-up."""


def register() -> None:
    return None
