"""Error codes: one enum per app named `<App>ErrorCode`, and each code string defined once."""

import importlib
import inspect
from enum import StrEnum
from pathlib import Path

from django.apps import apps
from django.conf import settings


def _code_enums() -> list[type[StrEnum]]:
    modules = ["config.api.error_codes"]
    for config in apps.get_app_configs():
        ours = Path(config.path).is_relative_to(settings.BASE_DIR)
        if ours and Path(config.path, "error_codes.py").exists():
            modules.append(f"{config.name}.error_codes")
    enums = []
    for name in modules:
        module = importlib.import_module(name)
        enums += [
            value
            for value in vars(module).values()
            if inspect.isclass(value)
            and issubclass(value, StrEnum)
            and value is not StrEnum
            and value.__module__ == name
        ]
    return enums


def test_every_app_names_its_codes_after_itself():
    names = {enum.__module__: enum.__name__ for enum in _code_enums()}

    assert names["config.api.error_codes"] == "ApiErrorCode"
    for module, name in names.items():
        app = module.split(".")[0]
        if app != "config":
            assert name == f"{app.capitalize()}ErrorCode", module


def test_each_code_string_is_defined_once():
    seen: dict[str, str] = {}
    for enum in _code_enums():
        for member in enum:
            where = f"{enum.__name__}.{member.name}"
            assert member.value not in seen, f"{where} repeats {seen.get(member.value)}"
            seen[member.value] = where

    assert {"invalid", "not_found", "no_hearts", "invalid_answer"} <= set(seen)
