#!/usr/bin/env bash
# Builds TLI Hub and runs it on the embedded default (SQLite and local files in ./data)
# with the demo program seeded. Safe to run again: finished steps are skipped.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_debian_packages brotli gzip
ensure_rust_tools
ensure_node_packages
build_site

step "Building the server (release)"
cargo build --release --locked -p server
BINARY="$TARGET_DIR/release/tli-hub"

export TLI_DATA_DIR="${TLI_DATA_DIR:-$ROOT/data}"
export TLI_SITE_DIR="${TLI_SITE_DIR:-$ROOT/target/site}"
export TLI_BIND="${TLI_BIND:-127.0.0.1:3000}"

step "Seeding the demo program into $TLI_DATA_DIR"
"$BINARY" seed --demo

cat <<INFO

TLI Hub is starting at http://$TLI_BIND
  Data:      $TLI_DATA_DIR (SQLite database and uploaded files)
  Demo data: the Teacher Leadership Institute with the cohorts Ohio 2027 and Nevada 2027,
             and the demo sign-ins listed above. Email goes to the outbox at /admin/outbox.
Press Ctrl-C to stop.

INFO
exec "$BINARY" serve
