"""Generator of the labelled scanned-sample set (see samples/README.md)."""
