#!/usr/bin/env bash
# Liaison test entry point (CI runs it through .ci/run).
#
#   ./test.sh                                          # everything
#   ./test.sh --filter "FullyQualifiedName~Timeline"   # extra args go to every `dotnet test`
#
# Works on a fresh Debian 12 machine that only has the .NET SDK (run as root there, so it can
# apt-get what is missing). Phases:
#   1. install missing Debian packages (chromium, postgresql, dovecot, postfix, isync)
#   2. start a throwaway PostgreSQL cluster (scripts/start-postgres.sh), stopped on any exit
#   3. dotnet build Liaison.slnx -c Release, once
#   4. dotnet test each tests/*/*.csproj in turn (--no-build), TRX into artifacts/test-results
#   5. print "Tests: N passed, N failed, N skipped" summed over the TRX files
# Exit status is non-zero if the build or any test project failed, or if no test ran at all.
#
# Environment given to the tests:
#   LIAISON_TEST_POSTGRES   Npgsql connection string (superuser postgres, database postgres)
#   LIAISON_TEST_CHROMIUM   /usr/bin/chromium, for Playwright
set -euo pipefail

cd "$(dirname "$(readlink -f "$0")")"
repo=$PWD
results_dir=$repo/artifacts/test-results

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# --- small helpers ----------------------------------------------------------------------------
phase_start=$SECONDS
phase() { phase_start=$SECONDS; echo; echo "==> $*"; }
phase_done() { echo "==> $1 took $((SECONDS - phase_start))s"; }
die() { echo "test.sh: ERROR: $*" >&2; exit 1; }

command -v dotnet >/dev/null 2>&1 || die "the .NET SDK (dotnet) is not on PATH"

# ================================================================================================
# 1. System packages. Only touch apt when something is actually missing, so a prepared machine
#    (or a developer's laptop) never needs network access or root for this.
# ================================================================================================
phase "Checking system packages"
pkg_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
missing=()
# Playwright drives the distro Chromium (no browser download).
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
# The server binaries may be present without the `postgresql` package (e.g. only
# postgresql-15 installed); what we need is initdb & co. plus the `postgres` user.
{ [[ -x /usr/lib/postgresql/15/bin/initdb ]] && id postgres >/dev/null 2>&1; } || missing+=(postgresql)
# E-mail tests start private postfix/dovecot instances; the mbsync benchmark needs isync.
for p in dovecot-imapd dovecot-lmtpd postfix isync; do
    pkg_installed "$p" || missing+=("$p")
done

if (( ${#missing[@]} > 0 )); then
    echo "missing: ${missing[*]}"
    [[ $EUID -eq 0 ]] || die "run as root (or: sudo apt-get install ${missing[*]})"
    command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install ${missing[*]} by hand"
    # Headless Chromium renders text with whatever fonts exist; a fresh image has none.
    [[ " ${missing[*]} " == *" chromium "* ]] && missing+=(fonts-liberation)

    export DEBIAN_FRONTEND=noninteractive
    # postfix asks which mail setup to use; tests run their own instance, so "No configuration".
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections

    # Debian's maintainer scripts start postgresql/postfix/dovecot right after install. Those
    # would squat 5432/25/143 and burn RAM; a policy-rc.d that says "101 = action forbidden"
    # stops that (both invoke-rc.d and deb-systemd-invoke honour it). Keep an existing one.
    policy=/usr/sbin/policy-rc.d
    own_policy=false
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\nexit 101\n' > "$policy"
        chmod +x "$policy"
        own_policy=true
        trap 'rm -f "$policy"' EXIT   # replaced by the PostgreSQL trap below, after removal
    fi
    apt-get update
    # --no-install-recommends: chromium alone would pull in a desktop's worth of extras.
    apt-get install -y --no-install-recommends "${missing[@]}"
    if $own_policy; then rm -f "$policy"; trap - EXIT; fi

    # Belt and braces: if a service got started anyway (e.g. an existing policy-rc.d allowed
    # it), stop it. Only for what we just installed: never stop a developer's own services.
    services=()
    for p in "${missing[@]}"; do
        case $p in
            postgresql) services+=(postgresql) ;;
            postfix)    services+=(postfix) ;;
            dovecot-*)  [[ " ${services[*]} " == *" dovecot "* ]] || services+=(dovecot) ;;
        esac
    done
    for svc in "${services[@]}"; do
        if command -v systemctl >/dev/null 2>&1 && [[ -d /run/systemd/system ]]; then
            systemctl stop "$svc" >/dev/null 2>&1 || true
        elif command -v service >/dev/null 2>&1; then
            service "$svc" stop >/dev/null 2>&1 || true
        fi
    done
else
    echo "all present"
fi
phase_done "Packages"

# ================================================================================================
# 2. Throwaway PostgreSQL: own temp dir, free loopback port, no durability (see the script).
# ================================================================================================
phase "Starting throwaway PostgreSQL"
LIAISON_TEST_PG_DIR=
# Whatever happens from here on (failure, Ctrl-C, CI killing us), stop the cluster and delete
# its dir. INT/TERM just turn into an exit so the EXIT trap does the work once.
cleanup() {
    if [[ -n "${LIAISON_TEST_PG_DIR:-}" ]]; then
        "$repo/scripts/stop-postgres.sh" "$LIAISON_TEST_PG_DIR" || true
        echo "==> PostgreSQL stopped"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# Assign first, then eval: `eval "$(...)"` alone would hide a failure from `set -e`.
pg_env=$("$repo/scripts/start-postgres.sh")
eval "$pg_env"
export LIAISON_TEST_POSTGRES LIAISON_TEST_PG_DIR
echo "LIAISON_TEST_POSTGRES=$LIAISON_TEST_POSTGRES"
phase_done "PostgreSQL start"

export LIAISON_TEST_CHROMIUM=/usr/bin/chromium

# ================================================================================================
# 3. Build once; the test runs below use --no-build.
# ================================================================================================
phase "Building Liaison.slnx (Release)"
if ! dotnet build "$repo/Liaison.slnx" -c Release; then
    phase_done "Build"
    # Don't run tests on a failed build: --no-build would pick up stale binaries from an
    # earlier build and report results for code that isn't what is checked out.
    echo "test.sh: BUILD FAILED, no tests were run" >&2
    echo "Tests: 0 passed, 0 failed, 0 skipped"
    exit 1
fi
phase_done "Build"

# ================================================================================================
# 4. Test projects, one after the other (CI has 2 cores; xUnit parallelises inside a project).
#    Keep going after a failing project so every result shows up.
# ================================================================================================
rm -rf "$results_dir"          # stale .trx files would be counted in the summary
mkdir -p "$results_dir"
failed_projects=()
shopt -s nullglob
projects=()
for candidate in "$repo"/tests/*/*.csproj; do
    # Shared test support (tests/Liaison.Testing) is a library, not a test project.
    grep -q '<IsTestProject>false</IsTestProject>' "$candidate" || projects+=("$candidate")
done
shopt -u nullglob
(( ${#projects[@]} > 0 )) || die "no test projects found under tests/"

for proj in "${projects[@]}"; do
    name=$(basename "$proj" .csproj)
    phase "Testing $name"
    # --blame-hang-timeout: a hung test is killed (with a mini dump) after 10 minutes instead
    # of blocking CI forever. "$@" last, so a trailing `-- RunSettings...` still works.
    if ! dotnet test "$proj" --no-build -c Release \
            --results-directory "$results_dir" \
            --logger "trx;LogFileName=$name.trx" \
            --blame-hang-timeout 10m --blame-hang-dump-type mini \
            "$@"; then
        failed_projects+=("$name")
    fi
    phase_done "$name"
done

# ================================================================================================
# 5. Summary from the TRX <Counters .../> elements (plain grep/sed: no python3 on fresh machines).
#    The VSTest TRX logger leaves skipped tests out of "executed" (notExecuted stays 0), so
#    skipped = total - executed; error/timeout/aborted count as failures.
# ================================================================================================
counter() {  # counter <attribute> <file>: value of that attribute of <Counters>, 0 if absent
    tr '\n' ' ' < "$2" | grep -o '<Counters [^>]*>' | head -n 1 \
        | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" | grep . || echo 0
}
passed=0 failed=0 skipped=0
shopt -s nullglob
trx_files=("$results_dir"/*.trx)
shopt -u nullglob
for trx in "${trx_files[@]}"; do
    passed=$((passed + $(counter passed "$trx")))
    failed=$((failed + $(counter failed "$trx") + $(counter error "$trx") + $(counter timeout "$trx") + $(counter aborted "$trx")))
    skipped=$((skipped + $(counter total "$trx") - $(counter executed "$trx")))
done

# The blame collector leaves an empty GUID dir per run; keep the artifacts tidy.
find "$results_dir" -mindepth 1 -type d -empty -delete
echo
echo "==> Total time $((SECONDS))s; TRX files in ${results_dir#"$repo"/}"
if (( ${#failed_projects[@]} > 0 )); then
    echo "==> FAILED projects: ${failed_projects[*]}"
fi
echo "Tests: $passed passed, $failed failed, $skipped skipped"

if (( passed + failed == 0 )); then
    echo "test.sh: no test ran at all" >&2
    exit 1
fi
if (( ${#failed_projects[@]} > 0 || failed > 0 )); then
    exit 1
fi
