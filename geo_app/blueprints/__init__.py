"""One blueprint per feature; each view parses input, makes one domain call and renders."""
