"""The one exception the kubectl text layer raises: it carries what kubectl prints on stderr.

The front end prints ``str(err)`` (kubectl's exact line, e.g.
``error: error parsing jsonpath {.items[*}, unterminated array``) and exits with ``exit_code``.
"""

from __future__ import annotations


class KubectlError(Exception):
    """An error in kubectl's own words; ``message`` is the stderr text minus its final newline."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code

    def __str__(self) -> str:
        return self.message

    @classmethod
    def from_error(cls, msg: str) -> KubectlError:
        """What ``cmdutil.CheckErr`` prints for a plain Go error: ``error: <msg>`` (prefix not doubled)."""
        if msg.endswith("\n"):  # Go's fatal() adds a newline only when missing
            msg = msg[:-1]
        if not msg.startswith("error: "):
            msg = "error: " + msg
        return cls(msg)

    @classmethod
    def not_found(cls, resource: str, name: str) -> KubectlError:
        """``Error from server (NotFound): pods "x" not found`` (resource is the qualified plural)."""
        return cls(f'Error from server (NotFound): {resource} "{name}" not found')
