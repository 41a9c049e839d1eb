"""Riskboard's Monte Carlo engine: pure numpy, no Django (the contract is ../shared/MODEL.md).

estimate(inputs, levers=True) -> result dict
InputError                    -> invalid inputs; .errors maps each key to a message
INPUTS                        -> every input's type, default, range, unit, section and help
"""

from .estimate import ENGINE_VERSION, estimate
from .inputs import INPUTS, INPUTS_BY_KEY, SECTIONS, InputError, InputSpec, defaults, normalise
from .risks import RISK_KEYS

__all__ = [
    "ENGINE_VERSION",
    "INPUTS",
    "INPUTS_BY_KEY",
    "RISK_KEYS",
    "SECTIONS",
    "InputError",
    "InputSpec",
    "defaults",
    "estimate",
    "normalise",
]
