"""Job kinds of the aid_projects app (registered on import by AidProjectsConfig.ready)."""
