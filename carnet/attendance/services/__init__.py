"""Writes of the attendance app, one module per concern (keyword-only, take an `actor`, authorize,
atomic, audited):

- `registers`: the roll call of a session (`save_register`) and what a register page shows;
- `reminders`: the registers not taken and the teachers' reminders;
- `episodes`: from registers to absence episodes and lateness rows (`sync_session`);
- `exemptions`: dispenses with their certificate.

Other parts (absences, declarations, contacts, alerts, settings) add their own modules here."""
