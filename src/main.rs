//! The `chibo` binary: everything lives in the library; see `chibo::cli`.

// Reading a year of reports allocates millions of small strings on every thread at once;
// mimalloc's per-thread heaps take about a tenth off a run against glibc's allocator. Its
// `no_thp` feature keeps it off transparent huge pages, which the kernel zeroes 2 MiB at
// a time (another tenth of a run, and twice the peak memory).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    chibo::cli::main()
}
