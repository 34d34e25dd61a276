"""Galaxy model files: the JSON format of demo_plant.json, read into a Galaxy.

Templates define attribute sets (optionally extending another template); objects
instantiate a template under a parent, may add attributes and override initial
values. docs/simulator.md describes the format.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from mxshell.contract import galaxy as gr
from mxshell.contract import types
from mxshell.sim.galaxy_model import AttributeDef, Galaxy, Template
from mxshell.sim.generators import GENERATOR_KINDS
from mxshell.sim.users import read_users
from mxshell.sim.wire_values import TYPE_NAMES, parse_time

CATEGORIES: dict[str, gr.GalaxyObjectCategory] = {
    value.name.removeprefix("GALAXY_OBJECT_CATEGORY_").lower(): gr.GalaxyObjectCategory.Value(
        value.name
    )
    for value in gr.GalaxyObjectCategory.DESCRIPTOR.values
    if value.number != 0
}
SECURITY: dict[str, types.SecurityClassification] = {
    "FreeAccess": types.SECURITY_CLASSIFICATION_FREE_ACCESS,
    "Operate": types.SECURITY_CLASSIFICATION_OPERATE,
    "SecuredWrite": types.SECURITY_CLASSIFICATION_SECURED_WRITE,
    "VerifiedWrite": types.SECURITY_CLASSIFICATION_VERIFIED_WRITE,
    "Tune": types.SECURITY_CLASSIFICATION_TUNE,
    "Configure": types.SECURITY_CLASSIFICATION_CONFIGURE,
    "ViewOnly": types.SECURITY_CLASSIFICATION_VIEW_ONLY,
}
_ATTRIBUTE_KEYS = {
    "type",
    "array",
    "security",
    "historized",
    "alarmed",
    "gen",
    "quality",
    "delay_ms",
    "buffered",
}
_PARAM_KEYS = {"value", "low", "high", "period_s", "step", "every_s", "values"}
_QUALITY_HINTS = {"good", "flaky", "uncertain", "bad", "override"}


class ModelError(ValueError):
    """A model file that cannot be read; the message names the file and the place."""


def demo_plant_path() -> Path:
    # Beside this module: the package is always installed unpacked (a path is what the
    # callers need), and importlib.resources would add about 2 ms to every start.
    return Path(__file__).with_name("models") / "demo_plant.json"


def read_model(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise ModelError(f"{path}: {error}") from error
    if not isinstance(data, dict) or "templates" not in data:
        raise ModelError(f"{path}: not a Galaxy model (no 'templates')")
    return data


def load_model(path: Path | None = None) -> Galaxy:
    """The Galaxy a model file describes (the demo plant when no path is given)."""
    path = path or demo_plant_path()
    data = read_model(path)
    try:
        return _build(data)
    except ModelError as error:
        raise ModelError(f"{path}: {error}") from None


def _build(data: dict[str, Any]) -> Galaxy:
    templates = read_templates(data)
    deploy_text = data.get("last_deploy")
    deploy_ns = parse_time(deploy_text) if deploy_text else time.time_ns() // 1000 * 1000
    galaxy = Galaxy(data.get("galaxy", "Galaxy"), templates.values(), deploy_ns)
    if "users" in data:
        try:
            galaxy.users = read_users(data["users"])
        except ValueError as error:
            raise ModelError(str(error)) from None
    for n, spec in enumerate(data.get("objects", [])):
        where = f"objects[{n}] ({spec.get('tag', '?')})"
        template = templates.get(spec.get("template", ""))
        if template is None:
            raise ModelError(f"{where}: unknown template {spec.get('template')!r}")
        parent = galaxy.object(spec["parent"]) if spec.get("parent") else None
        if spec.get("parent") and parent is None:
            raise ModelError(f"{where}: parent {spec['parent']!r} must be listed before it")
        extra = {a.name.lower(): a for a in _attributes(spec.get("attributes", {}), where)}
        for name, attr in extra.items():
            # A dynamic attribute is added beside the template's, never in place of one.
            if name in template.by_name:
                raise ModelError(
                    f"{where}: 'attributes' adds {attr.name!r}, which template "
                    f"{template.name} defines already"
                )
        overrides = {k.lower(): v for k, v in spec.get("values", {}).items()}
        for name in overrides:
            if name not in template.by_name and name not in extra:
                raise ModelError(f"{where}: 'values' names unknown attribute {name!r}")
        try:
            galaxy.add(
                spec["tag"], template, parent, spec.get("contained_name", ""), extra, overrides
            )
        except (KeyError, ValueError) as error:
            raise ModelError(f"{where}: {error}") from None
    return galaxy


def read_templates(data: dict[str, Any]) -> dict[str, Template]:
    templates: dict[str, Template] = {}
    for name, spec in data["templates"].items():
        category = CATEGORIES.get(spec.get("category", ""))
        if category is None:
            raise ModelError(f"template {name}: unknown category {spec.get('category')!r}")
        inherited: dict[str, AttributeDef] = {}
        if "extends" in spec:
            base = templates.get(spec["extends"])
            if base is None:
                raise ModelError(f"template {name}: extends {spec['extends']!r}, not defined above")
            inherited = {a.name.lower(): a for a in base.attributes}
        own = {a.name.lower(): a for a in _attributes(spec.get("attributes", {}), name)}
        templates[name] = Template(name, category, tuple({**inherited, **own}.values()))
    return templates


def _attributes(specs: dict[str, Any], where: str) -> list[AttributeDef]:
    return [_attribute(name, spec, f"{where}.{name}") for name, spec in specs.items()]


def _attribute(name: str, spec: dict[str, Any], where: str) -> AttributeDef:
    unknown = set(spec) - _ATTRIBUTE_KEYS - _PARAM_KEYS
    if unknown:
        raise ModelError(f"{where}: unknown keys {sorted(unknown)}")
    data_type = TYPE_NAMES.get(spec.get("type", ""))
    security = SECURITY.get(spec.get("security", "Operate"))
    generator = spec.get("gen", "static")
    quality = spec.get("quality", "good")
    if data_type is None:
        raise ModelError(f"{where}: unknown type {spec.get('type')!r}")
    if security is None:
        raise ModelError(f"{where}: unknown security classification {spec.get('security')!r}")
    if generator not in GENERATOR_KINDS:
        raise ModelError(f"{where}: unknown generator {generator!r}")
    if quality not in _QUALITY_HINTS:
        raise ModelError(f"{where}: unknown quality hint {quality!r}")
    return AttributeDef(
        name,
        data_type,
        is_array=bool(spec.get("array", False)),
        security=security,
        historized=bool(spec.get("historized", False)),
        alarmed=bool(spec.get("alarmed", False)),
        generator=generator,
        params={k: v for k, v in spec.items() if k in _PARAM_KEYS},
        quality=quality,
        delay_ms=int(spec.get("delay_ms", 0)),
        buffered=bool(spec.get("buffered", False)),
    )
