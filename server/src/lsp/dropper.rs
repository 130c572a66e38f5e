//! Frees large values (old analyses, models, closed documents) on one low-priority background thread, in order.
//!
//! Freeing a 100k-line file's model takes milliseconds: done on the thread that
//! publishes diagnostics, or beside it at the same priority on a two-core machine, it
//! would delay them. One thread, fed through a channel and niced to the lowest priority
//! (Linux), frees what it is given in the order given when the processors are
//! otherwise idle, and returns freed memory to the operating system when a document
//! closes, after everything handed over before the close. Nothing ever waits for it.

use std::sync::OnceLock;
use std::sync::mpsc::{Sender, channel};

enum Job {
    Drop(Box<dyn Send>),
    /// Give freed memory back to the operating system.
    Trim,
}

fn sender() -> Option<&'static Sender<Job>> {
    static SENDER: OnceLock<Option<Sender<Job>>> = OnceLock::new();
    SENDER
        .get_or_init(|| {
            let (sender, receiver) = channel::<Job>();
            std::thread::Builder::new()
                .name("ddia-dropper".to_owned())
                .spawn(move || {
                    lower_this_threads_priority();
                    for job in receiver {
                        match job {
                            Job::Drop(value) => drop(value),
                            Job::Trim => crate::analysis::release_free_memory(),
                        }
                    }
                })
                .ok()?;
            Some(sender)
        })
        .as_ref()
}

/// Frees `value` on the background thread (here, if that thread cannot run).
pub fn drop_later<T: Send + 'static>(value: T) {
    if let Some(sender) = sender()
        && let Err(refused) = sender.send(Job::Drop(Box::new(value)))
    {
        drop(refused);
    }
}

/// Gives the calling thread the lowest scheduling priority (nice 19), so that its work
/// never takes a processor from the analysis or the protocol.
fn lower_this_threads_priority() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `setpriority` on the calling thread (`who` 0 is the caller's thread id on
    // Linux) only changes its nice value; a failure leaves it unchanged.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 19);
    }
}

/// Returns freed memory to the system once everything handed to [`drop_later`] so far
/// is freed.
pub fn release_memory_after_drops() {
    match sender() {
        Some(sender) if sender.send(Job::Trim).is_ok() => {}
        _ => crate::analysis::release_free_memory(),
    }
}
