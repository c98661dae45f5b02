"""«Administración»: users, the audit log, the Papelera and the frame in force (``routes``)."""
