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
/// Public for the test suites, which apply edits exactly as the server does.
pub mod document;
mod dropper;
mod guard;
mod schema;
pub mod transport;
mod vocabulary_docs;

pub use backend::Backend;
pub use guard::CatchPanic;
use std::sync::{Arc, OnceLock};
/// The LSP types, for the test suites.
pub use tower_lsp_server::ls_types;
use tower_lsp_server::{ClientSocket, LspService, Server};

/// The language server as a service, with panics in handlers caught and logged, and the
/// socket through which it talks to the client.
pub fn service() -> (CatchPanic<LspService<Backend>>, ClientSocket) {
    service_with(None)
}

/// [`service`], with diagnostics published through `publisher` (the stdio transport's
/// direct path) instead of the client socket.
fn service_with(
    publisher: Option<transport::Publisher>,
) -> (CatchPanic<LspService<Backend>>, ClientSocket) {
    let client_slot = Arc::new(OnceLock::new());
    let slot = client_slot.clone();
    let (service, socket) = LspService::new(move |client| {
        let _ = slot.set(client.clone());
        Backend::new(client, publisher)
    });
    (CatchPanic::new(service, client_slot), socket)
}

/// Serves the language server over stdin and stdout until the client exits.
pub fn run_stdio() -> std::process::ExitCode {
    limit_allocator_arenas();
    widen_stdout_pipe();
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
    let lifecycle = Arc::new(transport::Lifecycle::default());
    runtime.block_on(async {
        let (stdout, publisher, writer) = transport::stdio_output(std::io::stdout());
        // Messages tower-lsp-server would stop reading at are answered and dropped.
        let stdin =
            transport::checked_input(tokio::io::stdin(), publisher.clone(), lifecycle.clone());
        let (service, socket) = service_with(Some(publisher));
        Server::new(stdin, stdout, socket).serve(service).await;
        // What is queued (the answer to `shutdown`, a last publish) is written before
        // the process exits, unless stdout is stuck.
        let _ = tokio::time::timeout(std::time::Duration::from_secs(1), writer).await;
    });
    // An analysis still running for a client that has gone is not waited for long.
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    if lifecycle.exited_without_shutdown() {
        // The LSP specification: `exit` without `shutdown` before it exits with 1.
        return std::process::ExitCode::from(1);
    }
    std::process::ExitCode::SUCCESS
}

/// Lets a publish of a large file's diagnostics (up to about 500 KB) fit in the pipe to
/// the client at once: with the default 64 KiB pipe the server writes it in pieces,
/// waiting for the client to read each one. Nothing happens when stdout is not a pipe
/// or the system refuses (the size is capped by `/proc/sys/fs/pipe-max-size`).
fn widen_stdout_pipe() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `F_SETPIPE_SZ` on descriptor 1 only changes the pipe's buffer size; on
    // anything that is not a pipe it fails and nothing changes.
    unsafe {
        libc::fcntl(1, libc::F_SETPIPE_SZ, 1 << 20);
    }
}

/// Caps glibc's per-thread heaps at one. By default every thread that allocates (here:
/// each analysis thread) gets its own arena, which keeps the memory of the largest
/// analysis it ever ran. With two, a whole parse of a 113k-line file that lands in the
/// arena the last one did not use maps a second tree's worth of pages (358 MiB peak
/// RSS instead of 209 in the latency benchmark); with one, the memory that analysis
/// freed is used again, and keystroke latency measured the same.
fn limit_allocator_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` only tunes the allocator; it is called before any thread starts.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
        // Blocks up to 4 MiB (a publish, a copy of a large file's text) come from the
        // heap and memory freed at its top is kept up to 64 MiB, instead of mapping
        // fresh pages for every keystroke and faulting them in again. A closed
        // document's memory is still given back (`malloc_trim` after `didClose`).
        libc::mallopt(libc::M_MMAP_THRESHOLD, 4 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 64 << 20);
    }
}
