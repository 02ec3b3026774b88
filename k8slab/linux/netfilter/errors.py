"""The one exception netfilter raises, carrying the text the real tools print."""

from __future__ import annotations

# The kinds of failure iptables distinguishes, each with its own message layout and exit code.
PARAM = "param"  # a bad command line: "iptables v1.8.9 (nf_tables): ..." + "Try `iptables -h' ...", exit 2
RUNTIME = "runtime"  # the ruleset refuses: "iptables: No chain/target/match by that name.", exit 1
KERNEL = "kernel"  # the kernel refuses a change: "... CHAIN_DEL failed (Device or resource busy) ...", exit 4
NOTABLE = "notable"  # unknown table, exit 3
PLAIN = "plain"  # "iptables v1.8.9 (nf_tables): ..." without the Try line, exit 1
BADARG = "bad_argument"  # "Bad argument `x'" with no program prefix, exit 2

EXIT_CODES = {PARAM: 2, RUNTIME: 1, KERNEL: 4, NOTABLE: 3, PLAIN: 1, BADARG: 2}
VERSION = "v1.8.9 (nf_tables)"


class NetfilterError(Exception):
    """A refused operation. ``message`` is the tool's own wording, without the program prefix;
    front ends (``iptables_cmd``, ``restore``) format it as the real program would."""

    def __init__(self, message: str, kind: str = PARAM):
        super().__init__(message)
        self.message = message
        self.kind = kind

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.kind]

    def iptables_text(self, prog: str = "iptables") -> str:
        """The stderr text ``iptables`` prints for this error (observed with iptables 1.8.9)."""
        if self.kind == PARAM:
            return f"{prog} {VERSION}: {self.message}\n{try_help(prog)}"
        if self.kind == RUNTIME:
            return f"{prog}: {self.message}\n"
        if self.kind == KERNEL:
            return f"{prog} {VERSION}:  {self.message}\n"
        if self.kind == BADARG:
            return f"{self.message}\n{try_help(prog)}"
        return f"{prog} {VERSION}: {self.message}\n"


def try_help(prog: str) -> str:
    return f"Try `{prog} -h' or '{prog} --help' for more information.\n"
