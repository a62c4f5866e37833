"""Reads template.yaml — the one source of wiring — for the local stack and the tests.

Understands the CloudFormation short tags (`!Ref`, `!GetAtt`, `!Sub`...), SAM `Globals`, and
resolves the intrinsic functions the template uses against the physical ids that the local
stack created.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_PATH = PROJECT_ROOT / "template.yaml"


class _CfnLoader(yaml.SafeLoader):
    """SafeLoader that turns `!Tag value` into `{"Fn::Tag": value}` (or `{"Ref": value}`)."""


def _construct_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt" and isinstance(value, str):
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {"Ref": value} if suffix == "Ref" else {f"Fn::{suffix}": value}


_CfnLoader.add_multi_constructor("!", _construct_tag)


def load_template(path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        document = yaml.load(handle, Loader=_CfnLoader)
    if not isinstance(document, dict) or "Resources" not in document:
        raise ValueError(f"{path} is not a CloudFormation template")
    return document


def _merge(base: Any, override: Any) -> Any:
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = _merge(base.get(key), value) if key in base else value
        return merged
    return override if override is not None else base


@dataclass(frozen=True)
class FunctionSpec:
    logical_id: str
    handler: str  # "ingest.app.handler"
    code_uri: str
    layers: list[Any]
    environment: dict[str, Any]
    events: dict[str, dict[str, Any]]
    timeout: int
    memory_size: int
    properties: dict[str, Any] = field(repr=False)

    def events_of(self, kind: str) -> dict[str, dict[str, Any]]:
        return {name: e.get("Properties", {}) for name, e in self.events.items() if e.get("Type") == kind}


class Template:
    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = document
        self.resources: dict[str, dict[str, Any]] = dict(document["Resources"])
        self.parameters: dict[str, Any] = {
            name: spec.get("Default") for name, spec in document.get("Parameters", {}).items()
        }

    @classmethod
    def load(cls, path: Path = TEMPLATE_PATH) -> Template:
        return cls(load_template(path))

    def of_type(self, resource_type: str) -> dict[str, dict[str, Any]]:
        return {lid: r for lid, r in self.resources.items() if r.get("Type") == resource_type}

    def functions(self) -> list[FunctionSpec]:
        defaults = self.document.get("Globals", {}).get("Function", {})
        specs = []
        for logical_id, resource in self.of_type("AWS::Serverless::Function").items():
            props = _merge(defaults, resource.get("Properties", {}))
            specs.append(
                FunctionSpec(
                    logical_id=logical_id,
                    handler=props["Handler"],
                    code_uri=props["CodeUri"],
                    layers=list(props.get("Layers", [])),
                    environment=dict(props.get("Environment", {}).get("Variables", {})),
                    events=dict(props.get("Events", {})),
                    timeout=int(props.get("Timeout", 3)),
                    memory_size=int(props.get("MemorySize", 128)),
                    properties=props,
                )
            )
        return specs

    def layer_paths(self, spec: FunctionSpec) -> list[Path]:
        paths = []
        for layer in spec.layers:
            logical_id = layer.get("Ref") if isinstance(layer, dict) else None
            resource = self.resources.get(logical_id or "", {})
            if resource.get("Type") == "AWS::Serverless::LayerVersion":
                paths.append(PROJECT_ROOT / resource["Properties"]["ContentUri"])
        return paths


Resolver = Callable[[str, str | None], str]


def resolve(value: Any, lookup: Resolver, parameters: Mapping[str, Any]) -> Any:
    """Resolve Ref / GetAtt / Sub / Join against `lookup(logical_id, attribute_or_None)`."""
    if isinstance(value, list):
        return [resolve(v, lookup, parameters) for v in value]
    if not isinstance(value, dict):
        return value
    if "Ref" in value:
        name = value["Ref"]
        return str(parameters[name]) if name in parameters else lookup(name, None)
    if "Fn::GetAtt" in value:
        logical_id, attribute = value["Fn::GetAtt"]
        return lookup(logical_id, attribute)
    if "Fn::Sub" in value:
        text, variables = value["Fn::Sub"], {}
        if isinstance(text, list):  # [text, {name: value}]: SAM's policy templates use this form
            text, variables = text[0], resolve(text[1], lookup, parameters)

        def substitute(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in variables:
                return str(variables[name])
            if name in parameters:
                return str(parameters[name])
            if "." in name:
                logical_id, attribute = name.split(".", 1)
                return lookup(logical_id, attribute)
            return lookup(name, None)

        return re.sub(r"\$\{([^}!]+)\}", substitute, text)
    if "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return separator.join(str(resolve(p, lookup, parameters)) for p in parts)
    return {k: resolve(v, lookup, parameters) for k, v in value.items()}
