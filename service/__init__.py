"""textline: a multilingual SMS and WhatsApp information line."""

from flask import Flask

from .settings import Settings
from .state import Textline


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app from the environment, overridden by ``test_config``."""
    app = Flask(__name__, static_folder=None)  # staff CSS is served by the admin blueprint, behind auth
    settings = Settings.from_env()
    if test_config:
        settings = settings.replace(**test_config)
    app.config.from_mapping(MAX_CONTENT_LENGTH=64 * 1024)
    app.extensions["textline"] = Textline.start(settings)

    from . import admin, cli, metrics, webhook

    app.register_blueprint(webhook.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(metrics.bp)
    cli.init_app(app)
    return app
