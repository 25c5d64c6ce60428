"""The strace reader behind the offline audit: it must not miss a socket or a written file."""

from __future__ import annotations

from pathlib import Path

from syscall_audit import parse

TRACE = """\
101 socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0) = 3<socket:[1]>
101 openat(AT_FDCWD</work>, "in.hea", O_RDONLY|O_CLOEXEC) = 4</work/in.hea>
101 openat(AT_FDCWD</work>, "out/r.pdf", O_WRONLY|O_CREAT|O_TRUNC, 0666) = 5</work/out/r.pdf>
102 openat(AT_FDCWD</work>, "/home/u/.cache/x.db", O_RDWR|O_CREAT <unfinished ...>
101 socket(AF_INET6, SOCK_DGRAM, IPPROTO_IP) = 6<socket:[2]>
102 <... openat resumed>, 0644) = 7</home/u/.cache/x.db>
101 mkdirat(9</home/u>, ".config/app", 0700) = 0
101 mkdir("/nowhere/denied", 0700) = -1 EACCES (Permission denied)
103 rename("/tmp/t/.k.tmp", "/home/u/.local/share/app/k") = 0
103 connect(8<socket:[3]>, {sa_family=AF_INET, sin_port=htons(53)} <unfinished ...>
"""


def test_every_internet_socket_and_connect_is_found_also_when_split():
    trace = parse(TRACE, Path("/work"))
    assert len(trace.internet) == 2
    assert "AF_INET6" in trace.internet[0] and "sa_family=AF_INET" in trace.internet[1]


def test_written_files_are_absolute_successful_and_include_split_calls():
    written = parse(TRACE, Path("/work")).written
    assert written == [
        Path("/work/out/r.pdf"),
        Path("/home/u/.cache/x.db"),
        Path("/home/u/.config/app"),
        Path("/home/u/.local/share/app/k"),
    ]


def test_written_outside_allows_the_roots_and_their_parents_only():
    trace = parse(TRACE, Path("/work"))
    outside = trace.written_outside([Path("/work/out"), Path("/home/u/.config/app/sub")])
    assert outside == [Path("/home/u/.cache/x.db"), Path("/home/u/.local/share/app/k")]
