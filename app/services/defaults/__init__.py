"""Service definitions shipped with the app, written to the eris home on first run."""
