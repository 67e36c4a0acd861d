"""The admin pages (/admin) for admins and supervisors, and the counter tablet survey (/survey/ID)."""
