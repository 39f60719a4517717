"""papikg: search."""
