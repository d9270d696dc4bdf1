"""Writers: GIF, video and HTML files, written atomically."""
