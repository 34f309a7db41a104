"""Identity: who a person is and how they prove it.

Owns users, generated identifiers, activation codes, password recovery, login throttling, the TOTP
second factor, active sessions and personal API tokens. Knows nothing of schools: roles are
relations kept by `carnet.school`."""
