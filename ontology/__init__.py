"""papikg: ontology."""
