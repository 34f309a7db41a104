"""Pages of room and equipment booking: the resources to book, a resource's occupancy with the
booking form, "Mes réservations", the staff's "À valider" list and the management of resources."""
