#!/usr/bin/env bash
# Adds a migration NAME for both providers, so SQLite and PostgreSQL never drift apart.
# Usage: scripts/add-migration.sh NAME
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?usage: scripts/add-migration.sh NAME}
dotnet tool restore >/dev/null
dotnet ef migrations add "$name" --project src/Liaison.Server --context SqliteLiaisonDb --output-dir Data/Migrations/Sqlite
dotnet ef migrations add "$name" --project src/Liaison.Server --context PostgresLiaisonDb --output-dir Data/Migrations/Postgres --no-build
