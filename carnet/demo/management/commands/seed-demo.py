"""`carnet seed-demo`, the documented spelling of `carnet seed_demo` (Django finds commands by file name)."""

from carnet.demo.management.commands.seed_demo import Command

__all__ = ["Command"]
