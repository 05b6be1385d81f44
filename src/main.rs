//! The `chibo` binary: everything lives in the library; see `chibo::cli`.

fn main() -> std::process::ExitCode {
    chibo::cli::main()
}
