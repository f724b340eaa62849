"""The bars above the tabs: the notice of overdue reports, the registered number, the welcome."""
