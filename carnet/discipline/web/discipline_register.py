"""What the discipline part declares at start-up."""


def register() -> None:
    return None
