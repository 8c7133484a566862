"""One reader per published file family. `READERS` maps the catalogue's reader name to it."""
