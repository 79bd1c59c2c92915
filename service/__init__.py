"""textline: a multilingual SMS and WhatsApp information line."""

from flask import Flask

from .settings import Settings
from .state import Textline


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app from the environment, overridden by ``test_config``."""
    app = Flask(__name__)
    settings = Settings.from_env()
    if test_config:
        settings = settings.replace(**test_config)
    app.config.from_mapping(MAX_CONTENT_LENGTH=64 * 1024)
    app.extensions["textline"] = Textline.start(settings)

    from . import cli, webhook

    app.register_blueprint(webhook.bp)
    cli.init_app(app)
    return app
