#!/usr/bin/env bash
# Runs every test: formatting, unit and integration tests on SQLite and PostgreSQL,
# the hydrate bundle budget, and browser tests in headless Chromium.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

BUNDLE_BUDGET_BYTES=$((150 * 1024))
export TLI_TEST_POSTGRES_URL="${TLI_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"

ensure_debian_packages brotli gzip chromium postgresql-client
ensure_rust_tools
ensure_node_packages

step "Checking PostgreSQL at $TLI_TEST_POSTGRES_URL"
if ! pg_isready -q -d "$TLI_TEST_POSTGRES_URL"; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    note "not answering; starting the local cluster"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
  fi
  for _ in $(seq 1 30); do pg_isready -q -d "$TLI_TEST_POSTGRES_URL" && break; sleep 1; done
  pg_isready -q -d "$TLI_TEST_POSTGRES_URL" ||
    die "PostgreSQL is not reachable at $TLI_TEST_POSTGRES_URL. Start it, or set TLI_TEST_POSTGRES_URL to a server where the user may create databases."
fi
note "reachable"

step "Checking formatting"
cargo fmt --all -- --check

build_site

step "Checking the hydrate bundle against its budget"
brotli_bytes="$(bundle_brotli_bytes)"
if [ "$brotli_bytes" -gt "$BUNDLE_BUDGET_BYTES" ]; then
  die "the hydrate bundle is $brotli_bytes bytes brotli, over the budget of $BUNDLE_BUDGET_BYTES."
fi
note "$brotli_bytes of $BUNDLE_BUDGET_BYTES bytes brotli"

step "Running unit and integration tests (SQLite and PostgreSQL)"
cargo test --locked -p app -p migrations -p server --features app/ssr

step "Running browser tests (headless Chromium)"
export TLI_E2E_BINARY="$TARGET_DIR/debug/tli-hub"
export TLI_SITE_DIR="$ROOT/target/site"
npm run --silent e2e
