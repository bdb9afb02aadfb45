#!/usr/bin/env bash
# Compiler/linker launcher for bench/ci/build_cpu.sh: runs the command and appends
# "<kind> <cpu_s> <output>" (user+sys CPU of the compiler or linker) to LOG.
#   cpu_log.sh LOG KIND COMMAND...
log="$1" kind="$2"; shift 2
out="?" prev=""
for a in "$@"; do [ "$prev" = -o ] && out="$a"; prev="$a"; done
t="$(mktemp)"
/usr/bin/time -f '%U %S' -o "$t" "$@"
status=$?
awk -v k="$kind" -v o="$out" '{printf "%s %.2f %s\n", k, $1 + $2, o}' "$t" >>"$log"
rm -f "$t"
exit $status
