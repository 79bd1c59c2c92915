"""Production entry point: ``gunicorn wsgi:app``."""

from service import create_app
from service.settings import Settings

Settings.from_env().require_production()
app = create_app()
