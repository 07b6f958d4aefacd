"""edXML between installations: building packages, the outbound queue, receiving (filled in below)."""
