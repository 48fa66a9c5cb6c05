#!/usr/bin/env bash
# Stop a cluster started by scripts/start-postgres.sh and delete its temp dir.
#
# Usage:
#   scripts/stop-postgres.sh            # uses $LIAISON_TEST_PG_DIR (exported by start-postgres.sh)
#   scripts/stop-postgres.sh /tmp/liaison-pg.XXXXXX
#
# Safe to call twice, or on a half-started cluster: it never fails because the server is
# already gone, and only deletes directories carrying start-postgres.sh's marker file.
set -euo pipefail

dir=${1:-${LIAISON_TEST_PG_DIR:-}}
if [[ -z "$dir" ]]; then
    echo "stop-postgres: no directory given and LIAISON_TEST_PG_DIR is not set" >&2
    exit 1
fi
[[ -d "$dir" ]] || exit 0                       # already cleaned up
if [[ ! -f "$dir/.liaison-throwaway" ]]; then
    echo "stop-postgres: $dir was not made by start-postgres.sh; refusing to delete it" >&2
    exit 1
fi

bindir=${LIAISON_PG_BINDIR:-/usr/lib/postgresql/15/bin}
[[ -x "$bindir/pg_ctl" ]] || bindir=$(dirname "$(readlink -f "$(command -v pg_ctl)")")

if [[ -f "$dir/data/postmaster.pid" ]]; then
    if [[ $EUID -eq 0 ]]; then as_pg() { runuser -u postgres -- "$@"; }; else as_pg() { "$@"; }; fi
    # "fast" rolls back open sessions and shuts down cleanly; fall back to "immediate" if a
    # stuck backend makes that take too long. The data is thrown away either way.
    as_pg "$bindir/pg_ctl" -D "$dir/data" stop -m fast -w -t 20 >/dev/null 2>&1 \
        || as_pg "$bindir/pg_ctl" -D "$dir/data" stop -m immediate -w -t 20 >/dev/null 2>&1 \
        || echo "stop-postgres: warning: could not stop the server in $dir" >&2
fi
rm -rf "$dir"
