"""Report cards (bulletins): snapshots of a student's period computed by `carnet.grades`, drawn as
PDF, published as immutable versions with a verification code checked at /verify/<code>."""
