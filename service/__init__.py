"""textline: a multilingual SMS and WhatsApp information line."""

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import logs
from .settings import Settings
from .web.state import Textline


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app from the environment, overridden by ``test_config``."""
    logs.configure()  # before anything can log a request
    app = Flask(__name__, static_folder=None)  # staff CSS is served by the admin blueprint, behind auth
    settings = Settings.from_env()
    if test_config:
        settings = settings.replace(**test_config)
    app.config.from_mapping(MAX_CONTENT_LENGTH=64 * 1024)
    if not settings.public_base_url:
        # Behind a TLS-terminating proxy, see the URL Twilio called (scheme, host, port) for signatures;
        # with PUBLIC_BASE_URL set, signatures are checked against it and nothing else reads the URL.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=0, x_proto=1, x_host=1, x_port=1)  # type: ignore[method-assign]
    app.extensions["textline"] = Textline.start(settings)

    from . import cli
    from .web import admin, metrics, voice, webhook

    app.register_blueprint(webhook.bp)
    app.register_blueprint(voice.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(metrics.bp)
    app.extensions["textline"].flood.on_failure = metrics.FLOOD_FAILURES.inc
    cli.init_app(app)
    return app
