"""The admin pages (/admin) for admins and supervisors."""
