#!/usr/bin/env bash
# Start a throwaway PostgreSQL 15 cluster for tests and benchmarks.
#
# Usage (from the repo root):
#   eval "$(scripts/start-postgres.sh)"     # start it; exports the variables below
#   dotnet test tests/Liaison.Server.Tests   # ...anything that needs PostgreSQL
#   scripts/stop-postgres.sh                 # stop it and delete its directory
# or, equivalently, `source scripts/start-postgres.sh` instead of the eval line.
#
# It prints (on stdout, nothing else goes there) the lines
#   export LIAISON_TEST_POSTGRES='Host=127.0.0.1;Port=NNNN;Username=postgres;Password=postgres;Database=postgres;Pooling=true'
#   export LIAISON_TEST_PG_DIR='/tmp/liaison-pg.XXXXXX'
# LIAISON_TEST_POSTGRES is an Npgsql connection string to the `postgres` database as superuser
# `postgres`; tests create their own databases. LIAISON_TEST_PG_DIR is what stop-postgres.sh removes.
# Connect by hand with:  psql -h 127.0.0.1 -p NNNN -U postgres
#
# What it does, and why:
#  - data dir, unix socket and log all live in one fresh temp dir, so nothing touches the system
#    cluster (/var/lib/postgresql) and several clusters can run side by side;
#  - port: a free port picked at run time (never 5432), listening on 127.0.0.1 only;
#  - auth: trust (password is set to "postgres" anyway, so the connection string is honest);
#  - durability is off (fsync, synchronous_commit, full_page_writes): the data is thrown away,
#    and this makes schema-per-test setups several times faster;
#  - max_connections=200: every test database gets its own Npgsql pool.
#  - PostgreSQL refuses to run as root, so when we are root the server runs as `postgres`.
#
# Knobs (environment): LIAISON_PG_BINDIR (default /usr/lib/postgresql/15/bin),
#                      LIAISON_PG_TMPDIR (parent of the temp dir, default /tmp).

# Sourced? Run ourselves as a child (so `set -e` and traps don't leak into the caller's shell)
# and apply the exports to the caller.
if [[ "${BASH_SOURCE[0]}" != "$0" ]]; then
    __liaison_pg_env=$(bash "${BASH_SOURCE[0]}" "$@") || { unset __liaison_pg_env; return 1; }
    eval "$__liaison_pg_env"
    unset __liaison_pg_env
    return 0
fi

set -euo pipefail

log() { echo "start-postgres: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# --- locate the server binaries -------------------------------------------------------------
bindir=${LIAISON_PG_BINDIR:-/usr/lib/postgresql/15/bin}
if [[ ! -x "$bindir/initdb" ]]; then
    # Fall back to whatever is on PATH (e.g. a developer's distro with a different layout).
    if command -v initdb >/dev/null 2>&1; then
        bindir=$(dirname "$(readlink -f "$(command -v initdb)")")
    else
        die "initdb not found in $bindir or on PATH; install the 'postgresql' package (./test.sh does that)"
    fi
fi

# --- who runs the server -------------------------------------------------------------------
# As root we must hand the cluster to an unprivileged user; as a normal user we just use ourselves.
if [[ $EUID -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || die "user 'postgres' does not exist (install the 'postgresql' package)"
    as_pg() { runuser -u postgres -- "$@"; }
else
    as_pg() { "$@"; }
fi

# --- temp dir -------------------------------------------------------------------------------
# Kept short: the unix socket path (dir + /.s.PGSQL.NNNNN) must fit in 107 bytes.
dir=$(mktemp -d "${LIAISON_PG_TMPDIR:-/tmp}/liaison-pg.XXXXXX")
touch "$dir/.liaison-throwaway"   # marker: stop-postgres.sh only deletes dirs that carry it
started=false
# If anything below fails, don't leave a half-made cluster behind.
cleanup_on_failure() {
    local rc=$?
    if [[ $rc -ne 0 ]]; then
        [[ -f "$dir/postgres.log" ]] && { log "last lines of the server log:"; tail -n 20 "$dir/postgres.log" >&2 || true; }
        if $started; then as_pg "$bindir/pg_ctl" -D "$dir/data" stop -m immediate >/dev/null 2>&1 || true; fi
        rm -rf "$dir"
    fi
}
trap cleanup_on_failure EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
[[ $EUID -eq 0 ]] && chown postgres: "$dir"
chmod 700 "$dir"

# --- initdb ---------------------------------------------------------------------------------
echo postgres > "$dir/pwfile"
[[ $EUID -eq 0 ]] && chown postgres: "$dir/pwfile"
# -N: don't fsync the new cluster (throwaway). C.UTF-8 exists on every Debian 12.
as_pg "$bindir/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pwfile" --auth=trust \
    -E UTF8 --locale=C.UTF-8 -N >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
rm -f "$dir/pwfile"

# Only loopback TCP and our own socket; trust is fine because nothing else can reach it.
cat > "$dir/data/pg_hba.conf" <<HBA
local all all              trust
host  all all 127.0.0.1/32 trust
HBA

cat >> "$dir/data/postgresql.conf" <<CONF

# --- liaison throwaway test cluster (scripts/start-postgres.sh) ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
CONF

# --- pick a free port and start -------------------------------------------------------------
# Ports below the Linux ephemeral range (32768+) so outgoing connections can't be holding them.
# Skip ports something already listens on; if we still lose a race, the server fails to bind
# and we simply try another port.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port=
for attempt in 1 2 3 4 5 6 7 8 9 10; do
    candidate=$((15000 + RANDOM % 17000))
    port_in_use "$candidate" && continue
    : > "$dir/postgres.log"
    [[ $EUID -eq 0 ]] && chown postgres: "$dir/postgres.log"
    # -w: wait until the server is up; -t: give up after 60s.
    if as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -o "-p $candidate" -w -t 60 start >/dev/null 2>&1; then
        port=$candidate
        started=true
        break
    fi
    # Any failure other than a bind clash is a real problem: give up with the log.
    grep -qiE 'could not bind|address already in use|could not create any TCP/IP sockets' "$dir/postgres.log" \
        || die "pg_ctl start failed"
    log "port $candidate was taken, retrying (attempt $attempt)"
done
[[ -n "$port" ]] || die "no free port found after 10 attempts"
# Remember the port in the cluster itself, so a manual `pg_ctl start` on this dir reuses it.
echo "port = $port" >> "$dir/data/postgresql.conf"

# pg_ctl -w already waited; pg_isready double-checks the TCP listener the tests will use.
for _ in $(seq 1 60); do
    "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres && break
    sleep 0.5
done
"$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres || die "server started but does not accept connections on 127.0.0.1:$port"

trap - EXIT
log "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port, dir $dir"
echo "export LIAISON_TEST_POSTGRES='Host=127.0.0.1;Port=$port;Username=postgres;Password=postgres;Database=postgres;Pooling=true'"
echo "export LIAISON_TEST_PG_DIR='$dir'"
