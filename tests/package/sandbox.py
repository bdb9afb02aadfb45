#!/usr/bin/env python3
"""Runs a command under the syscall sandbox of a systemd unit, without systemd.

There is no systemd PID 1 on a build machine, so this applies the parts of the unit that decide
whether the daemon can run at all, read from the unit itself, the way systemd applies them:
  NoNewPrivileges=yes          prctl(PR_SET_NO_NEW_PRIVS)
  DynamicUser=yes              an unprivileged user (--user, default nobody), no groups
  UMask=                       umask
  SystemCallFilter=            a seccomp allow list: the groups expanded by
                               `systemd-analyze syscall-filter`, minus the `~` lines; others fail
                               with SystemCallErrorNumber= (EPERM)
  MemoryDenyWriteExecute=yes   seccomp: mmap(PROT_WRITE|PROT_EXEC), mprotect/pkey_mprotect(
                               PROT_EXEC) and shmat(SHM_EXEC) fail with EPERM (systemd's rules)
  RestrictAddressFamilies=     seccomp: socket() of another family fails with EAFNOSUPPORT
Each is a separate filter, as systemd loads them; the kernel applies the strictest answer. File
system namespaces (ProtectSystem=, PrivateTmp=, ...) are not reproduced.
Usage: sandbox.py UNIT_FILE [--user NAME] -- COMMAND [ARGS...]
"""
import ctypes
import errno
import os
import pwd
import socket
import subprocess
import sys

SCMP_ACT_ALLOW = 0x7FFF0000
SCMP_CMP_EQ = 4
SCMP_CMP_MASKED_EQ = 7
PR_SET_NO_NEW_PRIVS = 38
PROT_WRITE, PROT_EXEC, SHM_EXEC = 0x2, 0x4, 0o100000
AF_MAX = 46


def act_errno(code):
    return 0x00050000 | (code & 0xFFFF)


class ArgCmp(ctypes.Structure):
    _fields_ = [("arg", ctypes.c_uint), ("op", ctypes.c_int),
                ("datum_a", ctypes.c_uint64), ("datum_b", ctypes.c_uint64)]


lib = ctypes.CDLL("libseccomp.so.2", use_errno=True)
lib.seccomp_init.restype = ctypes.c_void_p
lib.seccomp_init.argtypes = [ctypes.c_uint32]
lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
lib.seccomp_rule_add_array.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int,
                                       ctypes.c_uint, ctypes.POINTER(ArgCmp)]
lib.seccomp_load.argtypes = [ctypes.c_void_p]
lib.seccomp_release.argtypes = [ctypes.c_void_p]


def unit_settings(path):
    """Returns the [Service] settings as {key: [values in order]}."""
    settings, section = {}, None
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("["):
                section = line
            elif section == "[Service]" and "=" in line and not line.startswith("#"):
                key, value = line.split("=", 1)
                settings.setdefault(key, []).append(value)
    return settings


def expand(name, seen=None):
    """Returns the syscalls of a name or @group, nested groups included."""
    if not name.startswith("@"):
        return {name}
    out = subprocess.run(["systemd-analyze", "syscall-filter", name], check=True,
                         capture_output=True, text=True).stdout
    calls = set()
    for word in out.split():
        if word.startswith("#") or word == name:
            continue
        calls |= expand(word)
    return calls


def syscall_set(filters):
    allowed, denied = set(), set()
    for value in filters:
        target = denied if value.startswith("~") else allowed
        for name in value.lstrip("~").split():
            target |= expand(name)
    return allowed - denied


def rule(ctx, action, name, *cmps):
    nr = lib.seccomp_syscall_resolve_name(name.encode())
    if nr < 0:  # not a syscall on this architecture
        return
    arr = (ArgCmp * len(cmps))(*cmps)
    if lib.seccomp_rule_add_array(ctx, action, nr, len(cmps), arr) != 0:
        sys.exit(f"sandbox: cannot add a rule for {name}")


def load(ctx):
    if lib.seccomp_load(ctx) != 0:
        sys.exit("sandbox: seccomp_load failed")
    lib.seccomp_release(ctx)


def allow_list(calls, error):
    ctx = lib.seccomp_init(act_errno(error))
    for name in sorted(calls):
        rule(ctx, SCMP_ACT_ALLOW, name)
    load(ctx)


def deny_write_execute():
    ctx = lib.seccomp_init(SCMP_ACT_ALLOW)
    wx = PROT_WRITE | PROT_EXEC
    rule(ctx, act_errno(errno.EPERM), "mmap", ArgCmp(2, SCMP_CMP_MASKED_EQ, wx, wx))
    for name in ("mprotect", "pkey_mprotect"):
        rule(ctx, act_errno(errno.EPERM), name, ArgCmp(2, SCMP_CMP_MASKED_EQ, PROT_EXEC, PROT_EXEC))
    rule(ctx, act_errno(errno.EPERM), "shmat", ArgCmp(2, SCMP_CMP_MASKED_EQ, SHM_EXEC, SHM_EXEC))
    load(ctx)


def restrict_families(names):
    keep = {int(getattr(socket, n)) for n in names}
    ctx = lib.seccomp_init(SCMP_ACT_ALLOW)
    for family in range(AF_MAX):
        if family not in keep:
            rule(ctx, act_errno(errno.EAFNOSUPPORT), "socket", ArgCmp(0, SCMP_CMP_EQ, family, 0))
    load(ctx)


def main():
    args = sys.argv[1:]
    split = args.index("--")
    unit, options, command = args[0], args[1:split], args[split + 1:]
    user = options[options.index("--user") + 1] if "--user" in options else "nobody"
    s = unit_settings(unit)
    calls = syscall_set(s.get("SystemCallFilter", []))  # expanded before the filters bind us
    error = getattr(errno, s.get("SystemCallErrorNumber", ["EPERM"])[-1])

    if s.get("UMask"):
        os.umask(int(s["UMask"][-1], 8))
    account = pwd.getpwnam(user)
    os.setgroups([])
    os.setgid(account.pw_gid)
    os.setuid(account.pw_uid)
    if s.get("NoNewPrivileges") == ["yes"]:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    if s.get("RestrictAddressFamilies"):
        restrict_families(s["RestrictAddressFamilies"][-1].split())
    if s.get("MemoryDenyWriteExecute") == ["yes"]:
        deny_write_execute()
    if calls:
        allow_list(calls, error)
    os.execv(command[0], command)


if __name__ == "__main__":
    main()
