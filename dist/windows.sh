#!/usr/bin/env bash
# Builds the package for the Windows office: dist/chibo-<version>-windows-x64.zip with
# chibo.exe (cross-compiled for x86_64-pc-windows-gnu with mingw), the demo province and
# the two Vietnamese guides. The same sources and toolchain give the same zip, byte for
# byte (see docs/windows.md). Needs: `rustup target add x86_64-pc-windows-gnu`, Debian's
# gcc-mingw-w64-x86-64, python3. Honours CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
target=x86_64-pc-windows-gnu
target_dir=${CARGO_TARGET_DIR:-$root/target}
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
name=chibo-$version-windows-x64

# Nothing of this machine in the binary: the source, cargo's and rustup's folders are
# renamed, and the linker writes no time stamp into the PE header. With --target set,
# RUSTFLAGS reaches only the Windows code, not build scripts.
cargo_home=${CARGO_HOME:-$HOME/.cargo}
sysroot=$(rustc --print sysroot)
export RUSTFLAGS="--remap-path-prefix=$root=/chibo --remap-path-prefix=$cargo_home=/cargo --remap-path-prefix=$sysroot=/rust -C link-arg=-Wl,--no-insert-timestamp"
# The C code (ring, mimalloc) likewise: GCC takes __DATE__ and __TIME__, which mimalloc
# prints in its version line, from SOURCE_DATE_EPOCH (a fixed day: those sources change
# with their crates' versions, not with chibo's commits), and renames the build paths.
# Setting the C flags makes cargo compile that C again when they change.
export SOURCE_DATE_EPOCH=1767225600
export CFLAGS_x86_64_pc_windows_gnu="-ffile-prefix-map=$root=/chibo -ffile-prefix-map=$cargo_home=/cargo"
# And the linker is given the crates' .rlib files (which carry the import libraries of
# `raw-dylib` crates) by relative names, so that the order ld puts the imports in does
# not depend on the build folder (dist/mingw-gcc).
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER="$root/dist/mingw-gcc"
cargo build --locked --profile dist --target "$target" --bin chibo
exe=$target_dir/$target/dist/chibo.exe

# Every entry carries the time of the commit the sources come from (a fixed one outside
# git), so a rebuild of the same commit gives the same bytes.
stamp=$(git log -1 --format=%ct 2>/dev/null || echo 1767225600)
python3 dist/pack.py "dist/$name.zip" chibo "$stamp" \
  "$exe=chibo.exe" \
  "dist/HUONG-DAN.txt=HUONG-DAN.txt" \
  "dist/HUONG-DAN-DON-VI.txt=HUONG-DAN-DON-VI.txt" \
  "samples=demo"
echo "dist/$name.zip"
