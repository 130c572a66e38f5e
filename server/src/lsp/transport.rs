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

/// The largest message body the server reads (a 20 MB document, escaped as JSON, with
/// room to spare); a longer one is answered with an error and skipped unread.
const MAX_BODY: usize = 128 << 20;

/// A header line longer than this is not a header line.
const MAX_HEADER: usize = 8 << 10;

/// What the reader saw of the session's end, for the exit status.
#[derive(Debug, Default)]
pub struct Lifecycle {
    shutdown: std::sync::atomic::AtomicBool,
    exit: std::sync::atomic::AtomicBool,
}

impl Lifecycle {
    /// Whether `exit` came without a `shutdown` before it: the LSP specification asks
    /// for exit status 1 then.
    pub fn exited_without_shutdown(&self) -> bool {
        use std::sync::atomic::Ordering;
        self.exit.load(Ordering::Relaxed) && !self.shutdown.load(Ordering::Relaxed)
    }

    fn saw(&self, method: &str) {
        use std::sync::atomic::Ordering;
        match method {
            "shutdown" => self.shutdown.store(true, Ordering::Relaxed),
            "exit" => self.exit.store(true, Ordering::Relaxed),
            _ => {}
        }
    }
}

/// One step of reading the input: what the bytes at the start of the buffer are.
#[derive(Debug, PartialEq, Eq)]
enum Framed {
    /// More bytes are needed.
    Incomplete,
    /// A header of `header` bytes announcing a body of `body` bytes.
    Frame { header: usize, body: usize },
    /// Bytes that are no frame header ddia can read.
    Garbage,
    /// `skip` line breaks between frames, passed over without a word.
    Blank { skip: usize },
}

/// Reads a frame header at the start of `bytes`: lines ended by `\r\n` or a bare
/// `\n`, one of them `Content-Length` (any case), and a blank line.
fn read_header(bytes: &[u8]) -> Framed {
    let blank = bytes
        .iter()
        .take_while(|&&b| b == b'\r' || b == b'\n')
        .count();
    if blank > 0 {
        return Framed::Blank { skip: blank };
    }
    let mut line_start = 0;
    let mut length = None;
    loop {
        // A header line longer than this is garbage, whether its end has come yet or
        // not: the same bytes read the same in any pieces.
        let Some(newline) = memchr::memchr(b'\n', &bytes[line_start..]) else {
            return if bytes.len() - line_start > MAX_HEADER {
                Framed::Garbage
            } else {
                Framed::Incomplete
            };
        };
        if newline > MAX_HEADER {
            return Framed::Garbage;
        }
        let line_end = line_start + newline;
        let line = &bytes[line_start..line_end];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        line_start = line_end + 1;
        if line.is_empty() {
            return match length {
                Some(body) => Framed::Frame {
                    header: line_start,
                    body,
                },
                // A header without a length is skipped up to the next one.
                None => Framed::Garbage,
            };
        }
        let Some(text) = std::str::from_utf8(line).ok() else {
            return Framed::Garbage;
        };
        match text.split_once(':') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => {
                match value.trim().parse::<usize>() {
                    Ok(body) => length = Some(body),
                    Err(_) => {
                        return Framed::Garbage;
                    }
                }
            }
            Some(_) => {}
            None => {
                return Framed::Garbage;
            }
        }
    }
}

/// How a message body reads, as the JSON-RPC 2.0 messages tower-lsp-server accepts.
enum Checked {
    /// A request or notification (with its method), or a response.
    Message(Option<String>),
    /// Not JSON at all: a parse error.
    NotJson,
    /// JSON, but not a JSON-RPC 2.0 message (a batch, a number, no `jsonrpc`, a
    /// fractional `id`): an invalid request, answered with the id if it has one.
    Invalid(serde_json::Value),
}

fn check_body(body: &[u8]) -> Checked {
    use tower_lsp_server::jsonrpc::{Request, Response};
    // tower-lsp-server reads a body as UTF-8 first and stops at the first that is not;
    // serde_json would skip invalid bytes inside the string of an unknown field.
    if std::str::from_utf8(body).is_err() {
        return Checked::NotJson;
    }
    // Requests first: nearly everything a client sends is one.
    if let Ok(request) = serde_json::from_slice::<Request>(body) {
        return Checked::Message(Some(request.method().to_owned()));
    }
    if serde_json::from_slice::<Response>(body).is_ok() {
        return Checked::Message(None);
    }
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(value) => Checked::Invalid(value),
        Err(_) => Checked::NotJson,
    }
}

/// The error response to a message the server cannot take: the message's own `id`
/// when it has a usable one, else `null`.
fn error_frame(code: i64, message: &str, value: Option<&serde_json::Value>) -> Vec<u8> {
    let id = value
        .and_then(|v| v.get("id"))
        .filter(|id| id.is_string() || id.is_i64() || id.is_u64())
        .cloned()
        .unwrap_or(serde_json::Value::Null);
    let body = serde_json::json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": { "code": code, "message": message },
    });
    with_header(body.to_string().as_bytes())
}

/// Reads the client's messages from `input` and passes on, re-framed, only those that
/// tower-lsp-server can take: a message that is not JSON-RPC 2.0 is answered with an
/// error through `publisher` and dropped, so one bad frame never ends the session
/// (tower-lsp-server stops reading at its first decoding error). Headers may end their
/// lines with a bare `\n`; an empty body is answered like any other non-JSON. Returns
/// the reader for tower-lsp-server, which ends when `input` does.
pub fn checked_input<R>(
    input: R,
    publisher: Publisher,
    lifecycle: std::sync::Arc<Lifecycle>,
) -> tokio::io::DuplexStream
where
    R: tokio::io::AsyncRead + Unpin + Send + 'static,
{
    let (reader, writer) = tokio::io::duplex(1 << 20);
    tokio::spawn(forward_checked(input, writer, publisher, lifecycle));
    reader
}

/// What the client's bytes hold, message by message.
#[derive(Debug, PartialEq, Eq)]
pub enum Incoming {
    /// A message tower-lsp-server can take, re-framed with a plain header, and its
    /// method (none for a response).
    Message {
        frame: Vec<u8>,
        method: Option<String>,
    },
    /// The error response to send for bytes that were no usable message.
    Reply(Vec<u8>),
}

/// Cuts the client's bytes into messages and checks each (see [`checked_input`]), as
/// the bytes arrive in pieces of any size.
#[derive(Debug, Default)]
pub struct MessageReader {
    buffer: Vec<u8>,
    /// Bytes of a too-long body still to be skipped as they arrive.
    discard: usize,
    /// After bytes that were no header: skipping to the next `Content-Length`, where
    /// frames start again (found the same way whatever pieces the bytes came in).
    resyncing: bool,
}

impl MessageReader {
    /// Reads `bytes`, appending to `out` what they complete.
    pub fn push(&mut self, bytes: &[u8], out: &mut Vec<Incoming>) {
        let skipped = self.discard.min(bytes.len());
        self.discard -= skipped;
        self.buffer.extend_from_slice(&bytes[skipped..]);
        let mut start = 0;
        loop {
            if self.resyncing {
                const HEADER: &[u8] = b"content-length";
                let found = self.buffer[start..]
                    .windows(HEADER.len())
                    .position(|window| window.eq_ignore_ascii_case(HEADER));
                match found {
                    Some(at) => {
                        start += at;
                        self.resyncing = false;
                    }
                    None => {
                        // Keep what could be the start of a header cut in two.
                        start = start.max(self.buffer.len().saturating_sub(HEADER.len() - 1));
                        break;
                    }
                }
            }
            let pending = &self.buffer[start..];
            match read_header(pending) {
                Framed::Incomplete => break,
                Framed::Blank { skip } => start += skip,
                Framed::Garbage => {
                    // One reply for the whole stretch of garbage, then on to the next
                    // header wherever it starts.
                    start += 1;
                    self.resyncing = true;
                    out.push(Incoming::Reply(error_frame(
                        -32700,
                        "Parse error: not a message header",
                        None,
                    )));
                }
                Framed::Frame { header, body } if body > MAX_BODY => {
                    let have = pending.len() - header;
                    self.discard = body.saturating_sub(have);
                    start += header + body.min(have);
                    out.push(Incoming::Reply(error_frame(
                        -32600,
                        "Invalid request: the message is too long",
                        None,
                    )));
                }
                Framed::Frame { header, body } => {
                    if pending.len() < header + body {
                        break;
                    }
                    let content = &pending[header..header + body];
                    out.push(match check_body(content) {
                        Checked::Message(method) => Incoming::Message {
                            frame: with_header(content),
                            method,
                        },
                        Checked::NotJson => Incoming::Reply(error_frame(
                            -32700,
                            "Parse error: the message is not JSON",
                            None,
                        )),
                        Checked::Invalid(value) => Incoming::Reply(error_frame(
                            -32600,
                            "Invalid request: not a JSON-RPC 2.0 message",
                            Some(&value),
                        )),
                    });
                    start += header + body;
                }
            }
        }
        // Once per read, not once per message: many small messages cost no more.
        self.buffer.drain(..start);
    }
}

async fn forward_checked<R>(
    mut input: R,
    mut output: tokio::io::DuplexStream,
    publisher: Publisher,
    lifecycle: std::sync::Arc<Lifecycle>,
) where
    R: tokio::io::AsyncRead + Unpin,
{
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut reader = MessageReader::default();
    let mut chunk = vec![0u8; 1 << 16];
    let mut incoming = Vec::new();
    loop {
        let read = match input.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(read) => read,
        };
        reader.push(&chunk[..read], &mut incoming);
        for each in incoming.drain(..) {
            let delivered = match each {
                Incoming::Message { frame, method } => {
                    if let Some(method) = &method {
                        lifecycle.saw(method);
                    }
                    output.write_all(&frame).await.is_ok()
                }
                Incoming::Reply(frame) => publisher.send_frame(frame).await,
            };
            if !delivered {
                return;
            }
        }
    }
    let _ = output.shutdown().await;
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

    /// The bodies of the frames in `bytes`, in order.
    fn bodies(bytes: &[u8]) -> Vec<serde_json::Value> {
        let mut bodies = Vec::new();
        let mut rest = bytes;
        while let Ok(Some(len)) = first_frame_len(rest) {
            let start = memchr::memmem::find(rest, b"\r\n\r\n").expect("a header") + 4;
            bodies.push(serde_json::from_slice(&rest[start..len]).expect("JSON bodies"));
            rest = &rest[len..];
        }
        assert!(rest.is_empty(), "whole frames only");
        bodies
    }

    /// Bad messages of every kind between good ones: each bad one gets one error reply
    /// (with its id when it has a usable one) and is dropped; every good one reaches
    /// tower-lsp-server, re-framed, in order; `exit` without `shutdown` is noted.
    #[tokio::test]
    async fn bad_messages_are_answered_and_the_good_ones_go_on() {
        use tokio::io::AsyncReadExt;
        let good = |id: i64| format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"m"}}"#);
        let mut input: Vec<u8> = Vec::new();
        input.extend(frame(&good(1)));
        for bad in [
            "[]",
            r#"[{"jsonrpc":"2.0","id":5,"method":"m"}]"#,
            "42",
            "not json",
            r#"{"id":6,"method":"m"}"#,
            r#"{"jsonrpc":"2.0","id":1.5,"method":"m"}"#,
            "",
        ] {
            input.extend(frame(bad));
        }
        // A header with bare line feeds is read like any other.
        let lf = good(2);
        input.extend(format!("Content-Length: {}\n\n{lf}", lf.len()).into_bytes());
        input.extend(b"\r\ngarbage without a header\r\n\r\n");
        input.extend(frame(&good(3)));
        input.extend(frame(r#"{"jsonrpc":"2.0","method":"exit"}"#));
        let captured = Captured::default();
        let (_writer, publisher, _finished) = stdio_output(captured.clone());
        let lifecycle = std::sync::Arc::new(Lifecycle::default());
        let mut reader = checked_input(std::io::Cursor::new(input), publisher, lifecycle.clone());
        let mut forwarded = Vec::new();
        reader.read_to_end(&mut forwarded).await.expect("read");
        let ids: Vec<serde_json::Value> = bodies(&forwarded)
            .iter()
            .map(|body| body.get("id").cloned().unwrap_or_default())
            .collect();
        assert_eq!(ids, [1.into(), 2.into(), 3.into(), serde_json::Value::Null]);
        assert!(lifecycle.exited_without_shutdown());
        // The replies are written by another thread: wait for all eight.
        let mut replies = Vec::new();
        for _ in 0..200 {
            replies = bodies(&captured.0.lock().expect("the test's lock"));
            if replies.len() >= 8 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        let codes: Vec<(i64, serde_json::Value)> = replies
            .iter()
            .map(|reply| {
                (
                    reply["error"]["code"].as_i64().expect("an error code"),
                    reply["id"].clone(),
                )
            })
            .collect();
        let null = serde_json::Value::Null;
        assert_eq!(
            codes,
            [
                (-32600, null.clone()),
                (-32600, null.clone()),
                (-32600, null.clone()),
                (-32700, null.clone()),
                (-32600, 6.into()),
                (-32600, null.clone()),
                (-32700, null.clone()),
                (-32700, null),
            ]
        );
    }
}
