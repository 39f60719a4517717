"""papikg: api."""
