"""Forms live with their feature: ``geo_app/<feature>/forms.py``; ``geo_app.forms`` is shared."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from flask_wtf import FlaskForm

import geo_app
from geo_app import forms as shared


def _feature_forms():
    for info in pkgutil.iter_modules(geo_app.__path__):
        if info.ispkg and info.name not in ("cli", "maps", "static", "templates"):
            try:
                module = importlib.import_module(f"geo_app.{info.name}.forms")
            except ModuleNotFoundError:
                continue
            yield info.name, module


def test_the_shared_module_holds_no_feature_form():
    defined = [name for name, obj in vars(shared).items()
               if inspect.isclass(obj) and issubclass(obj, FlaskForm)
               and obj.__module__ == shared.__name__]
    assert defined == ["SpanishForm"]


@pytest.mark.parametrize("feature", ["account", "admin", "analysis", "editing", "indicators"])
def test_each_feature_holds_its_forms(feature):
    modules = dict(_feature_forms())
    assert feature in modules
    own = [obj for obj in vars(modules[feature]).values()
           if inspect.isclass(obj) and issubclass(obj, shared.SpanishForm)
           and obj.__module__ == modules[feature].__name__]
    assert own, f"geo_app/{feature}/forms.py defines no form"


def test_account_and_admin_share_the_new_password_rule(app):
    from geo_app.account.forms import PasswordForm
    from geo_app.admin.forms import NewUserForm

    posted = {"nueva": "corta", "confirmacion": "otra"}
    with app.test_request_context(method="POST", data=posted):
        for form_class in (PasswordForm, NewUserForm):
            form = form_class(meta={"csrf": False})
            form.validate()
            assert form.errors["nueva"][0].startswith("la contraseña debe tener al menos")
            assert form.errors["confirmacion"] == ["las dos contraseñas nuevas no coinciden"]
