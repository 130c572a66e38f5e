//! The language server (`ddia lsp`): live diagnostics, quick fixes and hovers over stdio.
//!
//! Only this module knows LSP types. Documents live in a `DashMap`; each change is
//! applied synchronously before any `.await`, so edits are never reordered; analysis
//! runs on a blocking thread over an immutable snapshot, and its result is published
//! only if the document has not changed since.

mod backend;
mod completion;
mod context;
pub mod convert;
mod document;
mod schema;
mod vocabulary_docs;

pub use backend::Backend;
use tower_lsp_server::{LspService, Server};

/// Serves the language server over stdin and stdout until the client exits.
pub fn run_stdio() -> std::process::ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the language server's runtime: {error}");
            return std::process::ExitCode::from(2);
        }
    };
    runtime.block_on(async {
        let (service, socket) = LspService::new(Backend::new);
        Server::new(tokio::io::stdin(), tokio::io::stdout(), socket)
            .serve(service)
            .await;
    });
    std::process::ExitCode::SUCCESS
}
