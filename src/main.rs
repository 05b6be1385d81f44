//! The `chibo` binary: everything lives in the library; see `chibo::cli` and, for
//! `chibo` with no arguments, `chibo::menu`.

// Reading a year of reports allocates millions of small strings on every thread at once;
// mimalloc's per-thread heaps take about a tenth off a run against glibc's allocator. Its
// `no_thp` feature keeps it off transparent huge pages, which the kernel zeroes 2 MiB at
// a time (another tenth of a run, and twice the peak memory).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // No arguments at all: started by a double-click, so the menu (which runs the
    // commands through `cli`); anything else is the command line.
    if std::env::args_os().len() == 1 {
        chibo::menu::main()
    } else {
        chibo::cli::main()
    }
}
