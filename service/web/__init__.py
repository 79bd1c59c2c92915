"""The web: Twilio's webhook and its signature, the flood gate, metrics, and the staff pages."""

from .state import Textline, textline

__all__ = ["Textline", "textline"]
