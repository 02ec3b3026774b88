"""The errors the kernel and iproute2 report, carried as the exact text the tool prints.

Every operation that a real ``ip`` or ``bridge`` command would refuse raises
:class:`NetlinkError` *before* it changes anything, so state is unchanged on error. The argv
front ends in :mod:`k8slab.linux.iproute2` turn it into ``(stdout, stderr, exit_code)``.

>>> e = NetlinkError.rtnl("File exists")
>>> e.message, e.exit_code
('RTNETLINK answers: File exists', 2)
"""

from __future__ import annotations


class NetlinkError(Exception):
    """An error as iproute2 prints it: ``message`` is the stderr line, ``exit_code`` the status."""

    def __init__(self, message: str, exit_code: int = 2, errno: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
        self.errno = errno

    @classmethod
    def rtnl(cls, text: str, errno: str | None = None) -> NetlinkError:
        """A plain errno answer from the kernel: ``RTNETLINK answers: <strerror>`` (exit 2)."""
        return cls(f"RTNETLINK answers: {text}", 2, errno)

    @classmethod
    def extack(cls, text: str, errno: str | None = None) -> NetlinkError:
        """A kernel extended-ack message: ``Error: <text>`` (exit 2)."""
        return cls(f"Error: {text}", 2, errno)

    @classmethod
    def no_device(cls, name: str) -> NetlinkError:
        """iproute2's own check of a ``dev NAME`` argument (exit 1)."""
        return cls(f'Cannot find device "{name}"', 1, "ENODEV")


class SocketError(Exception):
    """A socket call failing as the C library reports it (``strerror`` text in ``message``)."""

    def __init__(self, errno: str, message: str) -> None:
        super().__init__(message)
        self.errno = errno
        self.message = message
