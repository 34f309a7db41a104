"""When things happen: weekly timetable slots, the dated sessions generated from them (with their
changes: cancelled, moved, room changed, replacement teacher, extra session), bookable resources
(rooms and equipment) and their bookings, and each person's private iCalendar feed.

It does not own the school's calendar (holidays, closed days: `school.CalendarEvent`) nor what
happens during a session (registers and absences: `attendance`)."""
