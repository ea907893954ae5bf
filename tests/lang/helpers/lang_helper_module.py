# A module imported by tests/lang/imports.py.
__all__ = ["exported", "Thing"]
exported = "exported value"
_private = "private"
not_listed = "not in __all__"


class Thing:
    pass
