"""A free loop device set up on an image file with direct I/O and autoclear, for one mount.

``mount -o loop`` would set the device up with autoclear but buffered: each block a devbox
writes is then cached twice (in the devbox's file system and as the image file's pages), and on a
virtual machine the fresh memory that takes is what limits a write (200 MB uploads: 150-200 MB/s
buffered, 800-1,200 MB/s direct, ``bench/transfers.py``). Switching a bound device to direct
I/O afterwards (``LOOP_SET_DIRECT_IO``) freezes its queue, 10-15 ms on every devbox's first
boot; asked for in ``LOOP_CONFIGURE`` it costs nothing. Autoclear frees the device when its last
user closes it: the mount, once the descriptor that set it up is closed.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
from pathlib import Path

__all__ = ["open_loop_device"]

_LOOP_CTL_GET_FREE = 0x4C82
_LOOP_CONFIGURE = 0x4C0A
_LO_FLAGS_AUTOCLEAR = 4
_LO_FLAGS_DIRECT_IO = 16
_ATTEMPTS = 10  # another process may take the free device between the two calls


class _LoopInfo64(ctypes.Structure):
    _fields_ = (
        ("lo_device", ctypes.c_uint64),
        ("lo_inode", ctypes.c_uint64),
        ("lo_rdevice", ctypes.c_uint64),
        ("lo_offset", ctypes.c_uint64),
        ("lo_sizelimit", ctypes.c_uint64),
        ("lo_number", ctypes.c_uint32),
        ("lo_encrypt_type", ctypes.c_uint32),
        ("lo_encrypt_key_size", ctypes.c_uint32),
        ("lo_flags", ctypes.c_uint32),
        ("lo_file_name", ctypes.c_char * 64),
        ("lo_crypt_name", ctypes.c_char * 64),
        ("lo_encrypt_key", ctypes.c_char * 32),
        ("lo_init", ctypes.c_uint64 * 2),
    )


class _LoopConfig(ctypes.Structure):
    _fields_ = (
        ("fd", ctypes.c_uint32),
        ("block_size", ctypes.c_uint32),
        ("info", _LoopInfo64),
        ("reserved", ctypes.c_uint64 * 8),
    )


def _config(backing: int, image: Path, direct: bool) -> _LoopConfig:
    config = _LoopConfig(fd=backing)
    config.info.lo_flags = _LO_FLAGS_AUTOCLEAR | (_LO_FLAGS_DIRECT_IO if direct else 0)
    config.info.lo_file_name = os.fsencode(image)[-63:]
    return config


def open_loop_device(image: Path) -> tuple[str, int]:
    """Sets a free loop device up on ``image`` for a mount.

    Returns:
        The device's path (``/dev/loopN``) and a descriptor that holds it: mount the device, then
        close the descriptor (unmounted, the device is then freed; never mounted, it is freed at
        the close). Direct I/O is dropped where the host's file system refuses it.

    Raises:
        OSError: No loop device could be set up this way (a kernel before 5.8 has no
            ``LOOP_CONFIGURE``): ``mount -o loop`` is the way left.
    """
    backing = os.open(image, os.O_RDWR | os.O_CLOEXEC)
    try:
        return _configure(backing, image)
    finally:
        os.close(backing)  # the device holds the file now


def _configure(backing: int, image: Path) -> tuple[str, int]:
    direct = True
    last: OSError | None = None
    for _ in range(_ATTEMPTS):
        with open("/dev/loop-control", "rb", buffering=0) as control:
            number = fcntl.ioctl(control, _LOOP_CTL_GET_FREE)
        device = f"/dev/loop{number}"
        fd = os.open(device, os.O_RDWR | os.O_CLOEXEC)
        try:
            fcntl.ioctl(fd, _LOOP_CONFIGURE, _config(backing, image, direct))
            return device, fd
        except OSError as exc:
            os.close(fd)
            last = exc
            if exc.errno == errno.EBUSY:  # taken meanwhile: ask for another
                continue
            if exc.errno == errno.EINVAL and direct:  # no O_DIRECT on the host file system
                direct = False
                continue
            raise
    raise OSError(f"no free loop device for {image} after {_ATTEMPTS} attempts: {last}")
