#!/usr/bin/env bash
# Measures what BENCHMARKS.md records. Builds what it measures first.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

export TLI_TEST_POSTGRES_URL="${TLI_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"

ensure_debian_packages brotli gzip postgresql-client
ensure_rust_tools
ensure_node_packages
build_site

step "Hydrate bundle"
bundle_sizes

step "Portfolio autosave and upload (SQLite and PostgreSQL)"
pg_isready -q -d "$TLI_TEST_POSTGRES_URL" ||
  die "PostgreSQL is not reachable at $TLI_TEST_POSTGRES_URL. Start it, or set TLI_TEST_POSTGRES_URL to a server where the user may create databases."
cargo test --release --locked -p server --features app/ssr --test portfolio_bench -- --ignored --nocapture --test-threads=1

step "Reviewer workspace pages over 100 and 10,000 submissions (SQLite and PostgreSQL)"
cargo test --release --locked -p server --features app/ssr --test review_bench -- --ignored --nocapture --test-threads=1

step "Cohort dashboard over 300 and 3,000 fellows (SQLite and PostgreSQL)"
cargo test --release --locked -p server --features app/ssr --test dashboard_bench -- --ignored --nocapture --test-threads=1

step "Credentials: issuing, verifying and certificate PDFs (SQLite and PostgreSQL)"
cargo test --release --locked -p server --features app/ssr --test credentials -- --ignored --nocapture --test-threads=1

step "Load: reviewers autosaving while fellows browse (SQLite and PostgreSQL)"
cargo test --release --locked -p server --features app/ssr --test load -- --ignored --nocapture --test-threads=1

step "Review page in Chromium: hydration and save acknowledgement"
cargo build --release --locked -p server
TLI_E2E_BINARY="$TARGET_DIR/release/tli-hub" node end2end/bench/review-page.mjs

step "Server memory at idle"
cargo build --release --locked -p server
data_dir="$(mktemp -d)"
TLI_DATA_DIR="$data_dir" TLI_BIND=127.0.0.1:0 TLI_SITE_DIR="$ROOT/target/site" TLI_LOG=warn \
  "$TARGET_DIR/release/tli-hub" serve &
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null || true; rm -rf "$data_dir"' EXIT
sleep 3
printf 'server RSS at idle: %s KiB\n' "$(awk '/^VmRSS/ {print $2}' "/proc/$server_pid/status")"
