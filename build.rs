//! Rebuilds the binary when the demo province changes: `chibo init --demo` embeds
//! `samples/` with `include_dir!`, which cargo does not track by itself.

fn main() {
    println!("cargo:rerun-if-changed=samples");
    println!("cargo:rerun-if-changed=templates");
}
