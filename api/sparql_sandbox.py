"""No network for the SPARQL worker host: a seccomp filter refuses internet sockets.

Defence in depth behind the parse-tree guard (`api.sparql_guard`): even a query the guard missed
cannot make pyoxigraph's HTTP client (SERVICE, LOAD) reach any host, because the process, and
every worker it forks, cannot create an AF_INET, AF_INET6 or AF_PACKET socket (`socket()` fails
with EACCES) nor set up io_uring (which could open sockets around the filter). Unix sockets,
which the host talks to the app on, stay allowed.

The filter is classic BPF loaded with `prctl(PR_SET_SECCOMP)` after `PR_SET_NO_NEW_PRIVS`, which
any unprivileged process may do (Linux ≥ 3.5). It is irreversible and inherited across fork. On
an architecture without a syscall table here, or a kernel without seccomp, `apply()` falls back
to a new empty network namespace (`unshare(CLONE_NEWNET)`, needs root or user namespaces), and
reports "none" when neither works: the caller logs that loudly.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import platform
import struct

# (AUDIT_ARCH value, __NR_socket, __NR_io_uring_setup) per machine
ARCHES = {
    "x86_64": (0xC000003E, 41, 425),
    "aarch64": (0xC00000B7, 198, 425),
}
DENIED_FAMILIES = (2, 10, 17)  # AF_INET, AF_INET6, AF_PACKET
EACCES = 13
PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 22, 2
CLONE_NEWNET = 0x40000000
RET_ALLOW, RET_ERRNO = 0x7FFF0000, 0x00050000
LD_ABS, JEQ, JGE, RET = 0x20, 0x15, 0x35, 0x06
X32_BIT = 0x40000000


class SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte),
                ("k", ctypes.c_uint)]  # fmt: skip


class SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(SockFilter))]


def program(arch: int, nr_socket: int, nr_io_uring: int) -> list[tuple[int, int, int, int]]:
    """The filter as (code, jt, jf, k): deny internet sockets and io_uring, allow the rest."""
    deny = RET_ERRNO | EACCES
    checks = [(JEQ, 0, 0, family) for family in DENIED_FAMILIES]
    n = len(checks)
    body = [
        (LD_ABS, 0, 0, 4),  # seccomp_data.arch
        (JEQ, 1, 0, arch),
        (RET, 0, 0, deny),  # a foreign ABI (e.g. i386 on x86_64): refuse its syscalls' sockets
        (LD_ABS, 0, 0, 0),  # seccomp_data.nr
        (JGE, 0, 1, X32_BIT),
        (RET, 0, 0, deny),  # the x32 ABI
        (JEQ, 0, 1, nr_io_uring),
        (RET, 0, 0, deny),
        (JEQ, 1, 0, nr_socket),
        (RET, 0, 0, RET_ALLOW),
        (LD_ABS, 0, 0, 16),  # low word of seccomp_data.args[0]: the address family
    ]
    for i, (code, _, _, family) in enumerate(checks):
        body.append((code, n - i, 0, family))  # match → jump to the deny at the end
    return [*body, (RET, 0, 0, RET_ALLOW), (RET, 0, 0, deny)]


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def apply_seccomp() -> bool:
    spec = ARCHES.get(platform.machine())
    if spec is None:
        return False
    rules = program(*spec)
    filters = (SockFilter * len(rules))(*[SockFilter(*r) for r in rules])
    prog = SockFprog(len(rules), ctypes.cast(filters, ctypes.POINTER(SockFilter)))
    libc = _libc()
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    return libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) == 0


def apply_netns() -> bool:
    return _libc().unshare(CLONE_NEWNET) == 0


def apply() -> str:
    """Cut this process off the network: "seccomp", "netns" or "none" (could not)."""
    if apply_seccomp():
        return "seccomp"
    if apply_netns():
        return "netns"
    return "none"


def packed(rules: list[tuple[int, int, int, int]]) -> bytes:
    """The filter as the kernel reads it (for tests and audits)."""
    return b"".join(struct.pack("=HBBI", *r) for r in rules)
