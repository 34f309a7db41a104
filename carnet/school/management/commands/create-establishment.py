"""`carnet create-establishment`, the documented spelling of `carnet create_establishment` (Django finds
commands by file name)."""

from carnet.school.management.commands.create_establishment import Command

__all__ = ["Command"]
