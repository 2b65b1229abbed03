"""
The least rights the platform gives the strategy's process, taken by the host before it imports
the strategy (Linux; elsewhere only what `resource` offers). Standard library and ctypes only.

- umask 077, no inherited file descriptor beyond 0-3, core dumps off, at most NOFILE open files,
  files written at most FSIZE bytes, at most NPROC more tasks of this user (where the kernel
  enforces it: not for root), no new privileges (prctl PR_SET_NO_NEW_PRIVS);
- Landlock (kernel 5.13+): writes only under the working directory (the run's private temp
  folder); reads only of the strategy's folder (its `.backtestr` workspace folder excluded), the
  SDK, the interpreter's own folders and sys.path, shared libraries and a few system files; no TCP
  bind or connect (Landlock ABI 4+); no signals to, nor abstract sockets of, processes outside
  the sandbox (ABI 6+);
- a seccomp filter (x86_64): no exec, no fork or non-thread clone, no socket(), no ptrace or
  reads of other processes' memory, no signals to another process, no raising of limits, no
  mount, namespaces, bpf, perf, io_uring or kernel keys.
What is missing on this system is returned as notes for the run's log.
"""

import ctypes
import errno
import os
import struct
import sys
from typing import Iterable, List, Optional, Tuple

MAX_OPEN_FILES = 64
MAX_FILE_BYTES = 256 * 1024 * 1024
MORE_TASKS = 64

# Landlock (include/uapi/linux/landlock.h); the syscall numbers are the same on every architecture.
_LL_CREATE, _LL_ADD_RULE, _LL_RESTRICT = 444, 445, 446
_LL_VERSION = 1
_LL_RULE_PATH_BENEATH, _LL_RULE_NET_PORT = 1, 2
_FS_EXECUTE, _FS_WRITE_FILE, _FS_READ_FILE, _FS_READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
_FS_REMOVE_DIR, _FS_REMOVE_FILE, _FS_MAKE_CHAR, _FS_MAKE_DIR = 1 << 4, 1 << 5, 1 << 6, 1 << 7
_FS_MAKE_REG, _FS_MAKE_SOCK, _FS_MAKE_FIFO, _FS_MAKE_BLOCK = 1 << 8, 1 << 9, 1 << 10, 1 << 11
_FS_MAKE_SYM, _FS_REFER, _FS_TRUNCATE, _FS_IOCTL_DEV = 1 << 12, 1 << 13, 1 << 14, 1 << 15
_FS_BY_ABI = {1: (1 << 13) - 1, 2: (1 << 14) - 1, 3: (1 << 15) - 1, 4: (1 << 15) - 1}
_FS_ALL_V5 = (1 << 16) - 1
_FILE_RIGHTS = _FS_EXECUTE | _FS_WRITE_FILE | _FS_READ_FILE | _FS_TRUNCATE | _FS_IOCTL_DEV
_NET_BIND_TCP, _NET_CONNECT_TCP = 1 << 0, 1 << 1
_SCOPE_ABSTRACT_UNIX, _SCOPE_SIGNAL = 1 << 0, 1 << 1

_READ = _FS_READ_FILE | _FS_READ_DIR
_WRITE = (_READ | _FS_WRITE_FILE | _FS_REMOVE_DIR | _FS_REMOVE_FILE | _FS_MAKE_DIR | _FS_MAKE_REG | _FS_MAKE_FIFO | _FS_MAKE_SYM
          | _FS_REFER | _FS_TRUNCATE)

# Read-only system folders and files a Python program may need after start (shared libraries,
# time zones, locales); /proc, /sys, /etc, /home and the rest stay unreadable.
_SYSTEM_READS = ('/usr/lib', '/usr/lib64', '/lib', '/lib64', '/usr/local/lib', '/usr/share/zoneinfo', '/usr/share/locale',
                 '/etc/ld.so.cache', '/etc/localtime', '/usr/lib/locale')
_DEV_FILES = ('/dev/null', '/dev/zero', '/dev/urandom', '/dev/random')

# seccomp (linux/seccomp.h, linux/filter.h, linux/audit.h)
_PR_SET_NO_NEW_PRIVS, _PR_SET_SECCOMP, _SECCOMP_MODE_FILTER = 38, 22, 2
_RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000
_LD_ABS_W, _JEQ, _JSET, _JGE, _RET = 0x20, 0x15, 0x45, 0x35, 0x06
_AUDIT_ARCH_X86_64 = 0xC000003E
_CLONE_THREAD = 0x00010000
# x86_64 numbers (arch/x86/entry/syscalls/syscall_64.tbl)
_X64 = {
    'socket': 41, 'clone': 56, 'fork': 57, 'vfork': 58, 'execve': 59, 'kill': 62, 'ptrace': 101, 'rt_sigqueueinfo': 129, 'mknod': 133,
    'personality': 135, 'pivot_root': 155, 'setrlimit': 160, 'chroot': 161, 'mount': 165, 'umount2': 166, 'init_module': 175,
    'delete_module': 176, 'tkill': 200, 'tgkill': 234, 'kexec_load': 246, 'add_key': 248, 'request_key': 249, 'keyctl': 250,
    'mknodat': 259, 'unshare': 272, 'rt_tgsigqueueinfo': 297, 'perf_event_open': 298, 'prlimit64': 302, 'setns': 308,
    'process_vm_readv': 310, 'process_vm_writev': 311, 'finit_module': 313, 'bpf': 321, 'execveat': 322, 'userfaultfd': 323,
    'kexec_file_load': 320, 'pidfd_send_signal': 424, 'io_uring_setup': 425, 'io_uring_enter': 426, 'io_uring_register': 427,
    'open_tree': 428, 'move_mount': 429, 'fsopen': 430, 'fsconfig': 431, 'fsmount': 432, 'fspick': 433, 'pidfd_open': 434,
    'clone3': 435, 'pidfd_getfd': 438, 'process_madvise': 440, 'mount_setattr': 442,
}
_DENIED = ('socket', 'fork', 'vfork', 'execve', 'execveat', 'ptrace', 'process_vm_readv', 'process_vm_writev', 'rt_sigqueueinfo',
           'rt_tgsigqueueinfo', 'tkill', 'pidfd_send_signal', 'pidfd_open', 'pidfd_getfd', 'process_madvise', 'setrlimit', 'mknod',
           'mknodat', 'personality', 'pivot_root', 'chroot', 'mount', 'umount2', 'open_tree', 'move_mount', 'fsopen', 'fsconfig',
           'fsmount', 'fspick', 'mount_setattr', 'unshare', 'setns', 'init_module', 'finit_module', 'delete_module', 'kexec_load',
           'kexec_file_load', 'add_key', 'request_key', 'keyctl', 'perf_event_open', 'bpf', 'userfaultfd', 'io_uring_setup',
           'io_uring_enter', 'io_uring_register')


def _libc() -> Optional[ctypes.CDLL]:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.syscall.restype = ctypes.c_long
        libc.prctl.restype = ctypes.c_int
        return libc
    except (OSError, AttributeError):
        return None


def _limits(notes: List[str]) -> None:
    try:
        import resource
    except ImportError:
        notes.append('no resource limits (no `resource` module on this platform)')
        return

    def cap(which: int, value: int) -> None:
        soft, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(which, (value, value))

    cap(resource.RLIMIT_CORE, 0)
    cap(resource.RLIMIT_FSIZE, MAX_FILE_BYTES)
    cap(resource.RLIMIT_NOFILE, MAX_OPEN_FILES)
    tasks = _user_tasks()
    if tasks is not None and hasattr(resource, 'RLIMIT_NPROC'):
        cap(resource.RLIMIT_NPROC, tasks + MORE_TASKS)


def _user_tasks() -> Optional[int]:
    """Tasks (processes and threads) of this user now: RLIMIT_NPROC counts them all, so the limit is this plus a few."""
    uid = os.getuid()
    count = 0
    try:
        for entry in os.scandir('/proc'):
            if entry.name.isdigit():
                try:
                    if entry.stat().st_uid == uid:
                        count += len(os.listdir(f'/proc/{entry.name}/task'))
                except OSError:
                    pass  # ended meanwhile
    except OSError:
        return None
    return count


class _RulesetAttr(ctypes.Structure):
    _fields_ = [('handled_access_fs', ctypes.c_uint64), ('handled_access_net', ctypes.c_uint64), ('scoped', ctypes.c_uint64)]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [('allowed_access', ctypes.c_uint64), ('parent_fd', ctypes.c_int32)]


def _landlock(libc: ctypes.CDLL, work: str, reads: Iterable[str], notes: List[str]) -> bool:
    abi = libc.syscall(ctypes.c_long(_LL_CREATE), None, ctypes.c_size_t(0), ctypes.c_uint32(_LL_VERSION))
    if abi < 0:
        err = ctypes.get_errno()
        why = 'the kernel has no Landlock (5.13 or later)' if err == errno.ENOSYS else f'Landlock is off ({os.strerror(err)})'
        notes.append(f'{why}: the strategy can read every file this user can and write outside its temp folder')
        return False
    fs_rights = _FS_BY_ABI.get(abi, _FS_ALL_V5)
    attr = _RulesetAttr(fs_rights, (_NET_BIND_TCP | _NET_CONNECT_TCP) if abi >= 4 else 0,
                        (_SCOPE_ABSTRACT_UNIX | _SCOPE_SIGNAL) if abi >= 6 else 0)
    if abi < 4:
        notes.append(f'Landlock ABI {abi} cannot refuse TCP connections (4 or later can)')
    ruleset = libc.syscall(ctypes.c_long(_LL_CREATE), ctypes.byref(attr), ctypes.c_size_t(ctypes.sizeof(attr)), ctypes.c_uint32(0))
    if ruleset < 0:
        notes.append(f'Landlock ruleset refused ({os.strerror(ctypes.get_errno())}): files are not confined')
        return False
    try:
        def allow(where: str, rights: int) -> None:
            try:
                fd = os.open(where, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                return  # absent here
            try:
                if not os.path.isdir(where):
                    rights &= _FILE_RIGHTS
                rule = _PathBeneath(rights & fs_rights, fd)
                if libc.syscall(ctypes.c_long(_LL_ADD_RULE), ctypes.c_int(ruleset), ctypes.c_int(_LL_RULE_PATH_BENEATH), ctypes.byref(rule),
                                ctypes.c_uint32(0)) < 0:
                    raise OSError(ctypes.get_errno(), f'Landlock rule for {where}: {os.strerror(ctypes.get_errno())}')
            finally:
                os.close(fd)

        allow(work, _WRITE)
        for where in reads:
            allow(where, _READ)
        for dev in _DEV_FILES:
            allow(dev, _FS_READ_FILE | _FS_WRITE_FILE | _FS_TRUNCATE)
        if libc.syscall(ctypes.c_long(_LL_RESTRICT), ctypes.c_int(ruleset), ctypes.c_uint32(0)) < 0:
            raise OSError(ctypes.get_errno(), f'landlock_restrict_self: {os.strerror(ctypes.get_errno())}')
    finally:
        os.close(ruleset)
    return True


def _bpf(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
    return struct.pack('=HBBI', code, jt, jf, k)


def _seccomp_program() -> bytes:
    """Allow everything but the denied calls: a deny list, so the interpreter and libraries keep working."""
    pid = os.getpid()
    eperm = _RET_ERRNO | errno.EPERM
    prog = [_bpf(_LD_ABS_W, 4),  # arch
            _bpf(_JEQ, _AUDIT_ARCH_X86_64, 1, 0), _bpf(_RET, eperm),  # i386 calls (int 0x80) would bypass the x86_64 numbers
            _bpf(_LD_ABS_W, 0),  # nr
            _bpf(_JGE, 0x40000000, 0, 1), _bpf(_RET, eperm)]  # the x32 ABI
    for name in _DENIED:
        prog += [_bpf(_JEQ, _X64[name], 0, 1), _bpf(_RET, eperm)]
    # clone3's arguments are in memory a filter cannot read: ENOSYS makes glibc fall back to clone.
    prog += [_bpf(_JEQ, _X64['clone3'], 0, 1), _bpf(_RET, _RET_ERRNO | errno.ENOSYS)]
    # clone: threads (CLONE_THREAD) only, no new process.
    prog += [_bpf(_JEQ, _X64['clone'], 0, 4), _bpf(_LD_ABS_W, 16), _bpf(_JSET, _CLONE_THREAD, 0, 1), _bpf(_RET, _RET_ALLOW),
             _bpf(_RET, eperm)]
    # kill and tgkill: only this process itself (Python's signal handling, pthread_kill).
    for name in ('kill', 'tgkill'):
        prog += [_bpf(_JEQ, _X64[name], 0, 4), _bpf(_LD_ABS_W, 16), _bpf(_JEQ, pid, 0, 1), _bpf(_RET, _RET_ALLOW), _bpf(_RET, eperm)]
    # prlimit64: reads only (getrlimit passes no new limit).
    prog += [_bpf(_JEQ, _X64['prlimit64'], 0, 6), _bpf(_LD_ABS_W, 32), _bpf(_JEQ, 0, 0, 3), _bpf(_LD_ABS_W, 36), _bpf(_JEQ, 0, 0, 1),
             _bpf(_RET, _RET_ALLOW), _bpf(_RET, eperm)]
    prog.append(_bpf(_RET, _RET_ALLOW))
    return b''.join(prog)


class _SockFprog(ctypes.Structure):
    _fields_ = [('len', ctypes.c_ushort), ('filter', ctypes.c_void_p)]


def _seccomp(libc: ctypes.CDLL, notes: List[str]) -> bool:
    import platform
    if platform.machine() not in ('x86_64', 'AMD64') or sys.maxsize <= 2 ** 32:
        notes.append(f'no seccomp filter on {platform.machine()}: the strategy can start processes and open network sockets'
                     ' (Landlock still refuses TCP)')
        return False
    code = _seccomp_program()
    buf = ctypes.create_string_buffer(code, len(code))
    prog = _SockFprog(len(code) // 8, ctypes.cast(buf, ctypes.c_void_p))
    if libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) != 0:
        notes.append(f'seccomp filter refused ({os.strerror(ctypes.get_errno())}): the strategy can start processes and open sockets')
        return False
    return True


def _reads(strategy_file: str, sdk_dir: str) -> List[str]:
    """What the strategy may read: its folder (a workspace's `.backtestr` folder, holding the database, left out), the SDK, the interpreter."""
    folder = os.path.dirname(strategy_file)
    if os.path.isdir(os.path.join(folder, '.backtestr')):
        reads = [os.path.join(folder, name) for name in os.listdir(folder) if name != '.backtestr']
    else:
        reads = [folder]
    reads.append(sdk_dir)
    for where in [sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(os.path.realpath(sys.executable)), *sys.path]:
        if where and os.path.isabs(where) and where not in reads:
            reads.append(where)
    return reads + list(_SYSTEM_READS)


def confine(strategy_file: str, sdk_dir: str) -> Tuple[List[str], bool]:
    """Takes the rights away (see the module's doc); returns what could not be enforced here, and whether files are confined."""
    notes: List[str] = []
    os.umask(0o077)
    os.closerange(4, 1 << 16)  # nothing but stdin, stdout, stderr and the engine's socket
    _limits(notes)
    libc = _libc() if sys.platform.startswith('linux') else None
    if libc is None:
        notes.append(f'no Landlock, seccomp or no_new_privs on {sys.platform}: only resource limits confine the strategy')
        return notes, False
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        notes.append(f'prctl(PR_SET_NO_NEW_PRIVS) refused ({os.strerror(ctypes.get_errno())}): no Landlock or seccomp either')
        return notes, False
    files = _landlock(libc, os.getcwd(), _reads(strategy_file, sdk_dir), notes)
    _seccomp(libc, notes)
    return notes, files


def is_refusal(error: BaseException) -> bool:
    """Whether an exception is the sandbox saying no (for a hint in the run's failure)."""
    return isinstance(error, OSError) and error.errno in (errno.EPERM, errno.EACCES, errno.EMFILE, errno.EFBIG, errno.EAGAIN, errno.ENOSYS,
                                                          errno.EROFS)
