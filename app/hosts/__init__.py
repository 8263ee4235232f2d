"""Finding Docker Engines on this computer. No Qt."""
