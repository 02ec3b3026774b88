"""Resource quantities (``100m``, ``128Mi``, ``2``) as apimachinery's ``resource.Quantity`` prints them.

Source: apimachinery ``pkg/api/resource/quantity.go`` (``CanonicalizeBytes``) and
``amount.go`` (``AsCanonicalBytes``, ``AsCanonicalBase1024Bytes``): decimal values drop
trailing zeros and use an exponent that is a multiple of 3 (``1500m``, ``2k``); binary values
use the largest power of 1024 that divides them (``1536Mi``), but print as decimal below 1024
or when not whole. A sum keeps the format of its first operand.

>>> str(Quantity.parse("100m") + Quantity.parse("0.4"))
'500m'
>>> str(Quantity.parse("1Gi") + Quantity.parse("512Mi"))
'1536Mi'
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction

_BINARY = {"Ki": 1, "Mi": 2, "Gi": 3, "Ti": 4, "Pi": 5, "Ei": 6}
_DECIMAL = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_DECIMAL_SUFFIX = {v: k for k, v in _DECIMAL.items()}
_QUANTITY = re.compile(r"^([+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?$")


@dataclass(frozen=True)
class Quantity:
    """An exact quantity and the format (BinarySI, DecimalSI, DecimalExponent) it prints in."""

    value: Fraction
    format: str = "DecimalSI"

    @classmethod
    def zero(cls) -> Quantity:
        return cls(Fraction(0))

    @classmethod
    def parse(cls, s) -> Quantity:
        """Parse ``128Mi``, ``100m``, ``1e3`` or a number; raises ValueError like ``ParseQuantity``."""
        if isinstance(s, bool):
            raise ValueError("quantities must match the regular expression")
        if isinstance(s, (int, float)):
            return cls(Fraction(s))
        m = _QUANTITY.match(str(s).strip())
        if not m:
            raise ValueError("quantities must match the regular expression "
                             "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")
        number, suffix = Fraction(m.group(1)), m.group(2) or ""
        if suffix in _BINARY:
            return cls(number * 1024 ** _BINARY[suffix], "BinarySI")
        if suffix[:1] in ("e", "E"):
            return cls(number * Fraction(10) ** int(suffix[1:]), "DecimalExponent")
        return cls(number * Fraction(10) ** _DECIMAL[suffix], "DecimalSI")

    def __add__(self, other: Quantity) -> Quantity:
        return Quantity(self.value + other.value, self.format)

    def int_value(self) -> int:
        """``Value()``: rounded up to a whole number."""
        return math.ceil(self.value)

    def milli_value(self) -> int:
        """``MilliValue()``: thousandths, rounded up."""
        return math.ceil(self.value * 1000)

    def __str__(self) -> str:
        v = self.value
        if v == 0:
            return "0"
        fmt = self.format
        if fmt == "BinarySI":
            if -1024 < v < 1024 or v.denominator != 1:
                fmt = "DecimalSI"
            else:
                n, exp = int(v), 0
                while n % 1024 == 0 and exp < 6:
                    n //= 1024
                    exp += 1
                suffix = {v2: k for k, v2 in _BINARY.items()}.get(exp, "")
                return f"{n}{suffix}"
        # decimal: mantissa * 10**exp, no trailing zeros, then exp lowered to a multiple of 3
        v = Fraction(math.ceil(v * 10 ** 9), 10 ** 9) if (v * 10 ** 9).denominator != 1 else v
        exp = 0
        while v.denominator != 1:
            v *= 10
            exp -= 1
        n = int(v)
        while n != 0 and n % 10 == 0:
            n //= 10
            exp += 1
        while exp % 3 != 0:
            n *= 10
            exp -= 1
        if fmt == "DecimalExponent":
            return f"{n}" if exp == 0 else f"{n}e{exp}"
        if exp in _DECIMAL_SUFFIX:
            return f"{n}{_DECIMAL_SUFFIX[exp]}"
        return f"{n}e{exp}"
