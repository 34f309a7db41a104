"""Technical kernel shared by every app: base models, domain errors, small utilities.

Owns no school concept. Imports nothing from the other Carnet apps."""
