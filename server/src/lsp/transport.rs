//! The stdio output of the language server: one writer thread owns stdout, and both tower-lsp-server's frames and the server's pre-serialised publishes reach it, whole frames at a time, through one channel.
//!
//! tower-lsp-server turns every notification's parameters into a `serde_json::Value`
//! and then into text. For `textDocument/publishDiagnostics`, sent on every keystroke
//! with up to 1,000 diagnostics, that double conversion cost more than the analysis
//! itself. Publishes are written as frames of their own instead (`convert::publish_frame`
//! from the findings, [`Publisher::publish_diagnostics`] from typed parameters), and
//! [`FramedStdout`], the writer tower-lsp-server is given,
//! forwards its frames to the same channel, so the two never interleave inside a frame.

use serde::Serialize;
use tokio::io::AsyncWrite;
use tokio::sync::mpsc;
use tower_lsp_server::ls_types::PublishDiagnosticsParams;

/// How many frames may wait for stdout before senders wait: a client that stops
/// reading slows the server down instead of growing its memory.
const QUEUE: usize = 64;

/// Sends pre-serialised notifications to the client, in the order they are sent.
#[derive(Clone, Debug)]
pub struct Publisher {
    frames: mpsc::Sender<Vec<u8>>,
}

impl Publisher {
    /// Sends `textDocument/publishDiagnostics`, serialised once from `params`. Returns
    /// `false` if the output is closed (the client has gone).
    pub async fn publish_diagnostics(&self, params: &PublishDiagnosticsParams) -> bool {
        let Some(frame) = notification_frame("textDocument/publishDiagnostics", params) else {
            return false;
        };
        self.send_frame(frame).await
    }

    /// Sends a whole frame written elsewhere (see `convert::publish_frame`). Returns
    /// `false` if the output is closed.
    pub async fn send_frame(&self, frame: Vec<u8>) -> bool {
        self.frames.send(frame).await.is_ok()
    }
}

/// A JSON-RPC notification as one frame: the `Content-Length` header and the body.
pub fn notification_frame(method: &str, params: &impl Serialize) -> Option<Vec<u8>> {
    #[derive(Serialize)]
    struct Notification<'a, P> {
        jsonrpc: &'static str,
        method: &'a str,
        params: &'a P,
    }
    let body = serde_json::to_vec(&Notification {
        jsonrpc: "2.0",
        method,
        params,
    })
    .ok()?;
    Some(with_header(&body))
}

/// A JSON-RPC message body as one frame: the `Content-Length` header, then the body.
pub fn with_header(body: &[u8]) -> Vec<u8> {
    let header = format!("Content-Length: {}\r\n\r\n", body.len());
    let mut frame = Vec::with_capacity(header.len() + body.len());
    frame.extend_from_slice(header.as_bytes());
    frame.extend_from_slice(body);
    frame
}

/// The writer given to tower-lsp-server: it accepts every byte at once, cuts the bytes
/// into whole frames (by their `Content-Length` headers) and queues each frame for the
/// writer thread.
pub struct FramedStdout {
    frames: Option<tokio_util::sync::PollSender<Vec<u8>>>,
    /// Bytes of a frame not complete yet.
    pending: Vec<u8>,
}

/// Starts the writer: a thread of its own that writes every queued frame to `output`
/// with plain blocking writes (no hop through an async runtime's blocking pool per
/// frame) and flushes whenever the queue is empty. Returns the writer for
/// tower-lsp-server, the publisher for the backend, and a receiver told when the
/// thread ends: once both are dropped and every frame is written, or the output fails.
pub fn stdio_output<W>(output: W) -> (FramedStdout, Publisher, tokio::sync::oneshot::Receiver<()>)
where
    W: std::io::Write + Send + 'static,
{
    let (sender, receiver) = mpsc::channel(QUEUE);
    let (done, finished) = tokio::sync::oneshot::channel();
    let spawned = std::thread::Builder::new()
        .name("ddia-stdout".to_owned())
        .spawn(move || {
            write_frames(receiver, output);
            let _ = done.send(());
        });
    if let Err(error) = spawned {
        // Without the thread nothing can be written: say so where a person may see it.
        eprintln!("error: cannot start the language server's output thread: {error}");
    }
    (
        FramedStdout {
            frames: Some(tokio_util::sync::PollSender::new(sender.clone())),
            pending: Vec::new(),
        },
        Publisher { frames: sender },
        finished,
    )
}

fn write_frames<W: std::io::Write>(mut frames: mpsc::Receiver<Vec<u8>>, mut output: W) {
    while let Some(frame) = frames.blocking_recv() {
        if output.write_all(&frame).is_err() {
            return;
        }
        if frames.is_empty() && output.flush().is_err() {
            return;
        }
    }
    let _ = output.flush();
}

/// The length of the first whole frame at the start of `bytes`, if it is all there.
/// `Err` if the bytes do not start with a frame header ddia can read.
fn first_frame_len(bytes: &[u8]) -> Result<Option<usize>, ()> {
    let Some(header_end) = memchr::memmem::find(bytes, b"\r\n\r\n") else {
        // A header is short: one longer than this without its end is not a header.
        return if bytes.len() > 1024 {
            Err(())
        } else {
            Ok(None)
        };
    };
    let header = std::str::from_utf8(&bytes[..header_end]).map_err(|_| ())?;
    let length = header
        .split("\r\n")
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
        .ok_or(())?;
    let total = header_end + 4 + length;
    Ok((bytes.len() >= total).then_some(total))
}

impl FramedStdout {
    /// Whether `pending` starts with a whole frame (or with bytes that are no frame,
    /// which are passed on as they are rather than lost).
    fn has_frame(&self) -> bool {
        !self.pending.is_empty() && first_frame_len(&self.pending) != Ok(None)
    }

    /// Queues every whole frame at the start of `pending`; `Pending` while the queue is
    /// full (backpressure, as stdout itself would give).
    fn queue_frames(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        use std::task::Poll;
        while self.has_frame() {
            let Some(frames) = self.frames.as_mut() else {
                return Poll::Ready(Err(std::io::ErrorKind::BrokenPipe.into()));
            };
            match frames.poll_reserve(cx) {
                Poll::Ready(Ok(())) => {}
                Poll::Ready(Err(_)) => {
                    return Poll::Ready(Err(std::io::ErrorKind::BrokenPipe.into()));
                }
                Poll::Pending => return Poll::Pending,
            }
            let frame = match first_frame_len(&self.pending) {
                Ok(Some(len)) => {
                    let rest = self.pending.split_off(len);
                    std::mem::replace(&mut self.pending, rest)
                }
                _ => std::mem::take(&mut self.pending),
            };
            if frames.send_item(frame).is_err() {
                return Poll::Ready(Err(std::io::ErrorKind::BrokenPipe.into()));
            }
        }
        Poll::Ready(Ok(()))
    }
}

impl AsyncWrite for FramedStdout {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        use std::task::Poll;
        // Earlier frames go first; while the queue is full nothing new is accepted.
        match self.queue_frames(cx) {
            Poll::Ready(Ok(())) => {}
            Poll::Ready(Err(error)) => return Poll::Ready(Err(error)),
            Poll::Pending => return Poll::Pending,
        }
        self.pending.extend_from_slice(buf);
        // What is whole now is queued if there is room; the rest goes on the next write
        // or flush.
        if let Poll::Ready(Err(error)) = self.queue_frames(cx) {
            return Poll::Ready(Err(error));
        }
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        self.queue_frames(cx)
    }

    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        let flushed = self.queue_frames(cx);
        if flushed.is_ready() {
            // The writer thread ends once the backend's publisher is gone too.
            self.frames = None;
        }
        flushed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_lsp_server::ls_types::{Diagnostic, Position, Range, Uri};

    fn frame(body: &str) -> Vec<u8> {
        format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
    }

    #[test]
    fn frame_lengths_are_read_from_the_header() {
        let one = frame(r#"{"a":1}"#);
        assert_eq!(first_frame_len(&one), Ok(Some(one.len())));
        assert_eq!(first_frame_len(&one[..one.len() - 1]), Ok(None));
        assert_eq!(first_frame_len(b"Content-Len"), Ok(None));
        let typed = b"Content-Type: application/vscode-jsonrpc\r\ncontent-length: 2\r\n\r\n{}";
        assert_eq!(first_frame_len(typed), Ok(Some(typed.len())));
        assert_eq!(first_frame_len(b"nonsense\r\n\r\n"), Err(()));
    }

    #[test]
    fn a_publish_frame_holds_the_same_json_as_the_typed_notification() {
        let params = PublishDiagnosticsParams {
            uri: "file:///tmp/x%20y.ddia.yaml"
                .parse::<Uri>()
                .expect("a valid URI"),
            diagnostics: vec![Diagnostic {
                range: Range::new(Position::new(1, 2), Position::new(1, 9)),
                message: "quorum \"W + R\" ≤ N".to_owned(),
                ..Diagnostic::default()
            }],
            version: Some(7),
        };
        let frame =
            notification_frame("textDocument/publishDiagnostics", &params).expect("serialisable");
        let text = String::from_utf8(frame).expect("JSON is UTF-8");
        let (header, body) = text.split_once("\r\n\r\n").expect("a header");
        assert_eq!(header, format!("Content-Length: {}", body.len()));
        let body: serde_json::Value = serde_json::from_str(body).expect("JSON");
        assert_eq!(
            body,
            serde_json::json!({
                "jsonrpc": "2.0",
                "method": "textDocument/publishDiagnostics",
                "params": serde_json::to_value(&params).expect("serialisable"),
            })
        );
    }

    /// Output shared with the test: what the writer thread wrote.
    #[derive(Clone, Default)]
    struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0
                .lock()
                .expect("the test's lock")
                .extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// Frames written in pieces, several at once, or mixed with publishes reach the
    /// output whole and in order.
    #[tokio::test]
    async fn frames_reach_the_output_whole_and_in_order() {
        use tokio::io::AsyncWriteExt;
        let captured = Captured::default();
        let (mut writer, publisher, finished) = stdio_output(captured.clone());
        let a = frame(r#"{"a":1}"#);
        let b = frame(r#"{"b":22}"#);
        let c = frame(r#"{"c":333}"#);
        writer.write_all(&a[..5]).await.expect("written");
        writer.write_all(&a[5..]).await.expect("written");
        let mut both = b.clone();
        both.extend_from_slice(&c[..3]);
        writer.write_all(&both).await.expect("written");
        writer.flush().await.expect("flushed");
        let params = PublishDiagnosticsParams {
            uri: "file:///a.yaml".parse::<Uri>().expect("a valid URI"),
            diagnostics: Vec::new(),
            version: None,
        };
        assert!(publisher.publish_diagnostics(&params).await);
        writer.write_all(&c[3..]).await.expect("written");
        writer.shutdown().await.expect("shut down");
        drop(publisher);
        finished.await.expect("the writer thread ends");
        let out = captured.0.lock().expect("the test's lock").clone();
        let publish =
            notification_frame("textDocument/publishDiagnostics", &params).expect("serialisable");
        let expected = [a, b, publish, c].concat();
        assert_eq!(
            String::from_utf8_lossy(&out),
            String::from_utf8_lossy(&expected)
        );
    }
}
