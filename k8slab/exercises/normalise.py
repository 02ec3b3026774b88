"""Normalisers: equivalent answers become one canonical string before they are hashed.

Each normaliser takes what the learner typed (a string, a number, a list...) and either returns the
canonical form or raises :class:`NormaliseError` with a message that says what form is expected
(a malformed answer is not counted as a failed attempt). Names, as a catalogue uses them:

``ip``       an IPv4 address; ``10.244.1.2``, `` 10.244.1.2/32 `` -> ``10.244.1.2``
``cidr``     an IPv4 network; ``10.244.1.0/24``, ``10.244.1.0/255.255.255.0`` -> ``10.244.1.0/24``
``endpoint`` ``IP:PORT``; ``10.244.1.2:80``
``port``     ``80``, ``80/TCP`` -> ``80``
``count``    a whole number; ``3``, ``" 3 "``, ``"three"`` -> ``3``
``chain``    an iptables chain or target name, any case; ``kube-services`` -> ``KUBE-SERVICES``
``mac``      ``AA-BB-..`` or ``aa:bb:..`` -> ``aa:bb:..``
``text``     case and runs of whitespace do not matter
``choice``   one of the exercise's options, by letter (``b``), number (``2``) or text
``choices``  several options in any order (``"a, c"``, ``["c", "a"]``) -> ``a,c``
``set:X``    several values of normaliser X in any order; ``list:X`` in the given order

>>> normalise("cidr", " 10.244.1.0/24 ")
'10.244.1.0/24'
>>> normalise("ip", "10.244.1.2/32")
'10.244.1.2'
>>> normalise("set:ip", "10.0.0.2, 10.0.0.1")
'10.0.0.1,10.0.0.2'
>>> normalise("choice", "B", options=("kubelet", "node IPAM controller"))
'b'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from ipaddress import AddressValueError, IPv4Address, IPv4Network, NetmaskValueError

MAX_LENGTH = 2000
LETTERS = "abcdefghijklmnopqrstuvwxyz"
NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
TRUE_WORDS = {"true", "t", "yes", "y", "1"}
FALSE_WORDS = {"false", "f", "no", "n", "0"}


class NormaliseError(ValueError):
    """The answer is not in a form this exercise can read (the message says which form is)."""


def _scalar(value) -> str:
    """One value as trimmed text: strings, numbers; a one-item list is its item."""
    if isinstance(value, (list, tuple, set, frozenset)):
        items = list(value)
        if len(items) != 1:
            raise NormaliseError("expected one value, not a list")
        value = items[0]
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if value is None or isinstance(value, (dict,)) or not isinstance(value, (str, int, float)):
        raise NormaliseError(f"expected text or a number, got {type(value).__name__}")
    text = str(value)
    if len(text) > MAX_LENGTH:
        raise NormaliseError("that answer is too long")
    text = text.strip().strip("`'\"").strip()
    if not text:
        raise NormaliseError("the answer is empty")
    return text


def _ip(value, **_) -> str:
    text = _scalar(value)
    if text.count(":") == 1 and "." in text:
        raise NormaliseError("expected an IP address alone, without a port")
    addr, slash, prefix = text.partition("/")
    if slash and prefix.strip() != "32":
        raise NormaliseError("expected one IPv4 address (like 192.0.2.7), not a network")
    try:
        return str(IPv4Address(addr.strip()))
    except (AddressValueError, ValueError):
        raise NormaliseError("expected an IPv4 address, four numbers 0-255 with dots (like 192.0.2.7)") from None


def _cidr(value, **_) -> str:
    text = _scalar(value).replace(" ", "")
    if "/" not in text:
        raise NormaliseError("expected a network with its prefix length, like 192.0.2.0/24")
    try:
        net = IPv4Network(text, strict=False)
    except (AddressValueError, NetmaskValueError, ValueError):
        raise NormaliseError("expected an IPv4 network in CIDR form, like 192.0.2.0/24") from None
    if str(net.network_address) != text.split("/")[0]:
        raise NormaliseError("that address has host bits set: a CIDR names a network, so write its first "
                             "address with the prefix length (like 192.0.2.0/24)")
    return str(net)


def _port(value, **_) -> str:
    text = _scalar(value).lower()
    for proto in ("/tcp", "/udp", "/sctp"):
        text = text.removesuffix(proto)
    text = text.removeprefix("tcp/").removeprefix("udp/").strip()
    if not text.isdecimal() or not 0 < int(text) < 65536:
        raise NormaliseError("expected a port number between 1 and 65535")
    return str(int(text))


def _endpoint(value, **_) -> str:
    text = _scalar(value)
    host, colon, port = text.rpartition(":")
    if not colon:
        raise NormaliseError("expected IP:PORT, like 192.0.2.7:80")
    return f"{_ip(host)}:{_port(port)}"


def _count(value, **_) -> str:
    if isinstance(value, bool):
        raise NormaliseError("expected a whole number")
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")) or not value.is_integer():
            raise NormaliseError("expected a whole number")
        value = int(value)
    text = _scalar(value).lower()
    if text in NUMBER_WORDS:
        return str(NUMBER_WORDS[text])
    if re.fullmatch(r"[+]?\d{1,12}", text):
        return str(int(text))
    raise NormaliseError("expected a whole number, in digits")


def _chain(value, **_) -> str:
    text = _scalar(value)
    text = re.sub(r"^-[jAgNI]\s+", "", text).strip()
    if not re.fullmatch(r"[A-Za-z0-9_.:+-]{1,64}", text):
        raise NormaliseError("expected one chain or target name, like KUBE-SERVICES")
    return text.upper()


def _mac(value, **_) -> str:
    text = _scalar(value).lower().replace("-", ":")
    if not re.fullmatch(r"[0-9a-f]{1,2}(:[0-9a-f]{1,2}){5}", text):
        raise NormaliseError("expected a MAC address, like 02:42:ac:12:00:02")
    return ":".join(part.zfill(2) for part in text.split(":"))


def _text(value, **_) -> str:
    return " ".join(_scalar(value).casefold().split())


def _choice(value, options: Sequence[str] = (), **_) -> str:
    if not options:
        raise NormaliseError("this exercise has no options to choose from")
    letters = LETTERS[: len(options)]
    lowered = [" ".join(o.casefold().split()) for o in options]
    if isinstance(value, bool) and set(lowered) == {"true", "false"}:
        return letters[lowered.index("true" if value else "false")]
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= len(options):
        return letters[value - 1]
    text = " ".join(_scalar(value).casefold().split())
    bare = text.strip("()[]. ").removesuffix(")")
    if len(bare) == 1 and bare in letters:
        return bare
    if bare.isdecimal() and 1 <= int(bare) <= len(options):
        return letters[int(bare) - 1]
    if text in lowered:
        return letters[lowered.index(text)]
    if set(lowered) == {"true", "false"} and (text in TRUE_WORDS or text in FALSE_WORDS):
        return letters[lowered.index("true" if text in TRUE_WORDS else "false")]
    if len(text) >= 3:  # a unique start of an option, else a unique part of one
        for hits in ([i for i, o in enumerate(lowered) if o.startswith(text)],
                     [i for i, o in enumerate(lowered) if text in o]):
            if len(hits) == 1:
                return letters[hits[0]]
            if hits:
                break
    shown = ", ".join(f"{letters[i]}" for i in range(len(options)))
    raise NormaliseError(f"expected one of the options: {shown} (the letter or the option's text)")


def _items(value) -> list:
    """Several values: a list/tuple/set, or text separated by commas, spaces or new lines."""
    if isinstance(value, (list, tuple, set, frozenset)):
        items = list(value)
    elif isinstance(value, str):
        if len(value) > MAX_LENGTH:
            raise NormaliseError("that answer is too long")
        items = [p for p in re.split(r"[,;\s]+", value.strip().strip("[](){}")) if p]
    else:
        items = [value]
    if not items:
        raise NormaliseError("the answer is empty")
    if len(items) > 64:
        raise NormaliseError("too many values")
    return items


def _choices(value, options: Sequence[str] = (), **_) -> str:
    letters = sorted({_choice(v, options=options) for v in _items(value)})
    return ",".join(letters)


NORMALISERS: dict[str, Callable[..., str]] = {
    "ip": _ip, "cidr": _cidr, "endpoint": _endpoint, "port": _port, "count": _count, "chain": _chain,
    "mac": _mac, "text": _text, "choice": _choice, "choices": _choices,
}


def known(name: str) -> bool:
    """Whether ``name`` is a normaliser (``set:``/``list:`` of a known one included)."""
    if name.startswith(("set:", "list:")):
        return name.split(":", 1)[1] in NORMALISERS
    return name in NORMALISERS


def normalise(name: str, value, options: Iterable[str] = ()) -> str:
    """The canonical form of ``value`` under normaliser ``name`` (raises :class:`NormaliseError`)."""
    options = tuple(options)
    if name.startswith(("set:", "list:")):
        how, inner = name.split(":", 1)
        fn = NORMALISERS[inner]
        parts = [fn(v, options=options) for v in _items(value)]
        return ",".join(sorted(set(parts)) if how == "set" else parts)
    return NORMALISERS[name](value, options=options)
