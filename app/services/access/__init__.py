"""Who may do what and the record of what was done: the audit log and the registry's roles."""
