"""(filled by the part that owns it)"""


def register() -> None:
    pass
