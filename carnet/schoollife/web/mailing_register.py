"""What the mailing part declares at start-up."""


def register() -> None:
    return None
