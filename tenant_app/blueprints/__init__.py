"""Blueprints: main and auth, the pages every organisation has (org), and one per party."""


def register_all(app):
    from .auth import bp as auth
    from .bodybuilder import bp as bodybuilder
    from .dealer import bp as dealer
    from .main import bp as main
    from .manufacturer import bp as manufacturer
    from .notifications import bp as notifications
    from .org import bp as org
    from .station import bp as station
    from .survey import bp as survey

    app.register_blueprint(main)
    app.register_blueprint(auth)
    app.register_blueprint(notifications)
    app.register_blueprint(manufacturer, url_prefix="/m")
    app.register_blueprint(dealer, url_prefix="/d")
    app.register_blueprint(bodybuilder, url_prefix="/b")
    app.register_blueprint(station, url_prefix="/s")
    app.register_blueprint(org, url_prefix="/org")
    app.register_blueprint(survey)  # /s/<token>: the customer's public survey page
