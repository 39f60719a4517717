"""papikg: ingest."""
