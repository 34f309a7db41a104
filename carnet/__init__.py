"""Carnet: a digital workspace for secondary schools, built around the follow-up of each student."""
