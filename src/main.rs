//! The `chibo` binary: everything lives in the library; see `chibo::cli`.

// Reading a year of reports allocates millions of small strings on every thread at once;
// mimalloc's per-thread heaps take about a sixth off the time glibc's allocator needs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    chibo::cli::main()
}
