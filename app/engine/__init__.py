"""Docker Engine access: connections, rows from list endpoints, events, actions. No Qt."""
