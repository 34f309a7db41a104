"""Portal: what a person sees when they arrive. The home page of each side (student, guardian,
teacher, staff) that modules fill with widgets, the directory (annuaire) and the profile page.

Composition only: nothing imports it."""
