# Shared steps for the scripts in this folder. Source it; do not run it.
# Every step says what it does and skips work that is already done.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

TRUNK_VERSION="0.21.14"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
export PATH="$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"

step() { printf '\n==> %s\n' "$*"; }
note() { printf '    %s\n' "$*"; }
die() { printf '\nerror: %s\n' "$*" >&2; exit 1; }

# Installs Debian packages that are missing; runs apt-get update only when needed.
ensure_debian_packages() {
  local missing=()
  for package in "$@"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    note "Debian packages present: $*"
    return
  fi
  step "Installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}"
}

ensure_rust_tools() {
  command -v cargo >/dev/null || die "cargo is not installed. Install Rust with rustup (https://rustup.rs), then run this again."

  step "Checking the wasm32-unknown-unknown target"
  if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    note "installed"
  else
    rustup target add wasm32-unknown-unknown
  fi

  # wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
  local bindgen_version
  bindgen_version="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)"
  step "Checking wasm-bindgen-cli $bindgen_version"
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" = "$bindgen_version" ]; then
    note "installed"
  else
    note "installing (about 3 minutes, once per machine)"
    # Without --locked: the registry lacks one locked dependency of this CLI.
    cargo install wasm-bindgen-cli --version "$bindgen_version"
  fi

  step "Checking Trunk $TRUNK_VERSION"
  if [ "$(trunk --version 2>/dev/null | awk '{print $2}')" = "$TRUNK_VERSION" ]; then
    note "installed"
  else
    note "installing (about 10 minutes, once per machine)"
    # With --locked: unlocked resolution mixes two cssparser versions and fails.
    cargo install trunk --version "$TRUNK_VERSION" --locked
  fi
}

ensure_node_packages() {
  command -v npm >/dev/null || ensure_debian_packages nodejs npm
  step "Checking npm packages (wasm-opt, Playwright, axe-core)"
  if [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
    note "installed"
  else
    npm ci --no-audit --no-fund
  fi
}

# Builds the hydrate bundle and styles into target/site, with .br and .gz copies that
# the server sends to browsers that accept them.
build_site() {
  step "Fetching crates (Trunk builds offline)"
  cargo fetch --locked
  step "Building the browser bundle (release wasm, wasm-opt -Oz)"
  trunk build --release
  step "Compressing the bundle"
  for file in target/site/pkg/*.js target/site/pkg/*.wasm target/site/pkg/*.css; do
    brotli --force --best --keep "$file"
    gzip --force --best --keep "$file"
  done
  note "$(bundle_sizes)"
}

# Prints the hydrate bundle's size raw, gzip and brotli (wasm plus its JS loader).
bundle_sizes() {
  local raw=0 gz=0 br=0
  for file in target/site/pkg/frontend_bg.wasm target/site/pkg/frontend.js; do
    raw=$((raw + $(stat -c %s "$file")))
    gz=$((gz + $(gzip --best -c "$file" | wc -c)))
    br=$((br + $(brotli --best -c "$file" | wc -c)))
  done
  printf 'hydrate bundle: %d bytes raw, %d gzip, %d brotli\n' "$raw" "$gz" "$br"
}

# Prints the bundle's brotli size alone: the number before the word "brotli".
bundle_brotli_bytes() {
  bundle_sizes | awk '{ for (i = 2; i <= NF; i++) if ($i == "brotli") print $(i - 1) }'
}
