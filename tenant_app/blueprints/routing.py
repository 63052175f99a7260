"""How every view module declares its routes: `routes = Routes()` and `@routes.route(...)`
beside each view, then `register(bp)` mounts them on a blueprint. A party's package is the
list of the modules it mounts, so shared features go on every party that has them and keep
their endpoint names (`dealer.customers`, `bodybuilder.customers`)."""
from __future__ import annotations

from flask import Blueprint


class Routes:
    def __init__(self, import_name: str | None = None):
        """With import_name (a package's __name__), the package's own templates/ folder is served too."""
        self._rules: list[tuple[str, object, dict]] = []
        self._templates = (Blueprint(import_name.replace(".", "_"), import_name, template_folder="templates")
                           if import_name else None)

    def route(self, rule: str, **options):
        def decorator(view):
            self._rules.append((rule, view, options))
            return view
        return decorator

    def register(self, bp: Blueprint) -> None:
        for rule, view, options in self._rules:
            options = dict(options)
            bp.add_url_rule(rule, options.pop("endpoint", view.__name__), view, **options)
        if self._templates is not None:
            templates = self._templates
            # A template-only blueprint, registered once however many parties mount the feature.
            bp.record_once(lambda state: None if templates.name in state.app.blueprints
                           else state.app.register_blueprint(templates))
