"""host-local starts after the address its last_reserved_ip.0 names: read once per ADD."""

import pytest

from k8slab.linux.fs import FileSystemError
from tests.components.test_cni_host_local_state import STATE, add, host  # noqa: F401  (fixture)

LAST = f"{STATE}/last_reserved_ip.0"


@pytest.mark.parametrize(("text", "expected"), [
    (None, "10.244.1.2/29"),              # no file yet: the range's first address (.1 is the gateway)
    ("10.244.1.4", "10.244.1.5/29"),      # the one after
    ("10.244.1.4\n", "10.244.1.5/29"),    # white space around it is read past
    ("10.244.1.6", "10.244.1.2/29"),      # the last of the range: wraps past the gateway
    ("not an ip", "10.244.1.2/29"),       # not an IP: from the beginning
    ("10.9.9.9", "10.244.1.2/29"),        # outside the range: from the beginning
])
def test_the_next_address_follows_the_last_reserved_file(host, text, expected):  # noqa: F811
    if text is not None:
        host.fs.write(LAST, text)
    assert add(host, 1) == expected
    assert host.fs.read(LAST) == expected.split("/")[0]


def test_a_folder_where_the_file_belongs_fails_as_reading_it_does(host):  # noqa: F811
    host.fs.write(f"{LAST}/x", "")
    with pytest.raises(FileSystemError, match="Is a directory"):
        add(host, 1)
