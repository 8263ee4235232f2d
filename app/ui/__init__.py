"""Widgets: the main window, resource views, details and dialogs."""
