"""The discipline pages: incidents, measures, the catalogue and settings, a student's record for
the school side, and the family page."""
