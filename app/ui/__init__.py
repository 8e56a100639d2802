"""PySide6 screens. The only package that may import Qt."""
