"""What the fake API receives: Stripe's form encoding decoded, and checked against the
parameters the pinned API version defines."""

import re
import sys
import typing

import stripe


def parse_form(pairs):
    """Stripe's form encoding (``a[b][0][c]=v``) back into nested dicts and lists."""
    root = {}
    for key, value in pairs:
        parts = re.findall(r"^[^\[]+|\[([^\]]*)\]", key)
        names = [key.split("[", 1)[0]] + parts[1:]
        node = root
        for name, following in zip(names, names[1:] + [None]):
            if following is None:
                node[name] = value
            else:
                node = node.setdefault(name, {})
    return _lists(root)


def _lists(node):
    """Dicts keyed 0, 1, 2… become lists."""
    if not isinstance(node, dict):
        return node
    node = {key: _lists(value) for key, value in node.items()}
    if node and all(key.isdigit() for key in node):
        return [node[key] for key in sorted(node, key=int)]
    return node


_REQUEST_OPTIONS = set(stripe.RequestOptions.__optional_keys__)


def unknown_parameter(params, spec, prefix=""):
    """The first parameter the pinned API version does not define (or a missing required one),
    judged from the SDK's own TypedDicts; None when all is well."""
    keys = (spec.__required_keys__ | spec.__optional_keys__) - _REQUEST_OPTIONS
    for key, value in params.items():
        name = f"{prefix}[{key}]" if prefix else key
        if key not in keys:
            return f"Received unknown parameter: {name}"
        nested = _nested_spec(spec, key)
        if nested is None:
            continue
        for index, item in enumerate(value if isinstance(value, list) else [value]):
            if isinstance(item, dict):
                where = f"{name}[{index}]" if isinstance(value, list) else name
                problem = unknown_parameter(item, nested, where)
                if problem:
                    return problem
    for key in spec.__required_keys__ - _REQUEST_OPTIONS:
        if key not in params:
            return f"Missing required param: {f'{prefix}[{key}]' if prefix else key}."
    return None


def _nested_spec(spec, key):
    annotations = {}
    for base in reversed(spec.__mro__):
        annotations.update(getattr(base, "__annotations__", {}))
    module = sys.modules[spec.__module__]
    for name in re.findall(r"\b([A-Z]\w*Params\w*)\b", repr(annotations.get(key))):
        candidate = getattr(module, name, None)
        if candidate is not None and typing.is_typeddict(candidate):
            return candidate
    return None
