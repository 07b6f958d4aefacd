"""Tools run beside QLVB (not part of the web application)."""
