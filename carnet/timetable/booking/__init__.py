"""Room and equipment booking: resources (rooms, equipment) managed by the staff, bookings made by
staff and teachers for a date and times, refused when the timetable, another booking or the
school calendar occupies the resource, and approved by the staff when the resource or the
establishment asks for it.

- `policies`: who manages resources, who books, who decides; the scopes.
- `conflicts`: `find_conflicts(resource, on, start, end)`, the one check every booking goes
  through (a constant handful of indexed queries, whatever the size of the timetable).
- `occupancy`: what occupies a resource day by day over a range, for the pages and the API.
- `resources`, `services`: the writes (audited); `errors`: their refusals with stable codes;
  `selectors`: the reads of the pages and the API; `notifying`: what people are told."""
