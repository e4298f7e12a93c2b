"""The spec (``gaev.yaml``): what one environment should contain, checked against the
catalogue. Both the wizard and ``gaev generate`` produce and consume it."""

from gaev_tui.envspec.dump import dump_spec, spec_to_dict
from gaev_tui.envspec.model import BaseBox, ForwardedPort, Network, Packages, Resources, SharedFolder, Spec
from gaev_tui.envspec.parse import (
    load_spec,
    parse_spec,
    parse_spec_text,
    required_memory_mb,
    spec_errors,
    spec_errors_text,
)

__all__ = [
    "BaseBox", "ForwardedPort", "Network", "Packages", "Resources", "SharedFolder", "Spec",
    "dump_spec", "load_spec", "parse_spec", "parse_spec_text", "required_memory_mb",
    "spec_errors", "spec_errors_text", "spec_to_dict",
]
