//! The `ddia` binary: the command line (and, later, the language server).

fn main() -> std::process::ExitCode {
    ddia::cli::main()
}
