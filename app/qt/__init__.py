"""Qt adapters over the engine layer: item models and background workers."""
