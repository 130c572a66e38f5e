//! A keystroke replay: seeded single-character edits anywhere in a file, each analysed
//! in-process the way the language server does after `didChange`, timed one by one.
//!
//! It measures what the LSP latency harness (`benchmarks/lsp_latency.py`) measures
//! without the process, the pipe and the JSON around it, so that a change to the
//! analysis can be compared before and after with less noise. The edits are made like
//! the harness's `--edit-kind anywhere`: a random line and column; half the time the
//! character there is deleted (the line break included), half the time a character is
//! inserted; the next edit undoes it.
//!
//! `cargo bench -p ddia --bench keystrokes -- FILE... [--edits N] [--seed S] [--rounds R]
//! [--slowest K]` (`--slowest` prints the K slowest keystrokes and what they did).

use ddia::analysis::{Analysis, AnalysisInput, analyze, analyze_after_edit};
use ddia::line_index::LineIndex;
use ddia::syntax::TextEdit;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// What an inserted character may be: mostly what people type, and YAML's punctuation
/// (the harness's list).
const INSERTED: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789  ::--#\"\n\n";

/// A small seeded generator (xorshift64*), so that runs replay the same edits.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n.max(1)
    }
}

/// One edit: where, what it removes, what it inserts.
struct Keystroke {
    start: usize,
    old_end: usize,
    inserted: String,
}

/// The next random edit of `text` (ASCII offsets on line boundaries), and its undoing.
fn random_edit(text: &str, rng: &mut Rng) -> (Keystroke, Keystroke) {
    let index = LineIndex::new(text);
    let lines = index.line_count();
    let row = rng.below(lines);
    let full = index.line_range_full(row);
    let (start, end) = (full.start, full.end);
    let line = &text[start..end];
    let content_len = line.trim_end_matches(['\n', '\r']).len();
    if rng.below(2) == 0 && !line.is_empty() {
        // Delete one character, the line break at the end included.
        let at = start + rng.below(line.len());
        let width = if text[at..].starts_with("\r\n") { 2 } else { 1 };
        let removed = text[at..at + width].to_owned();
        (
            Keystroke {
                start: at,
                old_end: at + width,
                inserted: String::new(),
            },
            Keystroke {
                start: at,
                old_end: at,
                inserted: removed,
            },
        )
    } else {
        let at = start + rng.below(content_len + 1);
        let char = INSERTED[rng.below(INSERTED.len())] as char;
        (
            Keystroke {
                start: at,
                old_end: at,
                inserted: char.to_string(),
            },
            Keystroke {
                start: at,
                old_end: at + 1,
                inserted: String::new(),
            },
        )
    }
}

fn input<'a>(text: &'a str, path: &'a std::path::Path) -> AnalysisInput<'a> {
    AnalysisInput {
        text,
        path: Some(path),
        findings_by_part: true,
        ..AnalysisInput::default()
    }
}

/// One timed keystroke: how long, and what it did (for `--slowest`).
struct Timed {
    time: Duration,
    what: String,
}

/// Replays `edits` keystrokes on one file and returns each one's time.
fn replay(path: &std::path::Path, edits: usize, seed: u64) -> (Duration, Vec<Timed>) {
    let mut text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) => {
            eprintln!("ddia keystrokes: cannot read {}: {error}", path.display());
            std::process::exit(2);
        }
    };
    // The server keeps a line index per document, updated with each edit.
    let mut index = LineIndex::new(&text);
    let started = Instant::now();
    let mut analysis: Analysis = analyze(AnalysisInput {
        line_index: Some(&index),
        ..input(&text, path)
    });
    let open = started.elapsed();
    let mut rng = Rng(seed.max(1));
    let mut undo: Option<Keystroke> = None;
    let mut times = Vec::with_capacity(edits);
    for _ in 0..edits {
        let keystroke = match undo.take() {
            Some(keystroke) => keystroke,
            None => {
                let (keystroke, undoing) = random_edit(&text, &mut rng);
                undo = Some(undoing);
                keystroke
            }
        };
        let line = index.line_of(keystroke.start);
        let what = format!(
            "line {} col {} (problems before: {}): {} {:?} in {:?}",
            line + 1,
            keystroke.start - index.line_range(line).start,
            analysis.parse.problems.len(),
            if keystroke.inserted.is_empty() {
                "delete"
            } else {
                "insert"
            },
            if keystroke.inserted.is_empty() {
                &text[keystroke.start..keystroke.old_end]
            } else {
                keystroke.inserted.as_str()
            },
            &text[index.line_range(line).start..index.line_range(line).end],
        );
        text.replace_range(keystroke.start..keystroke.old_end, &keystroke.inserted);
        index.apply_edit(
            &text,
            keystroke.start,
            keystroke.old_end,
            keystroke.inserted.len(),
        );
        let edit = TextEdit {
            start: keystroke.start,
            old_end: keystroke.old_end,
            new_len: keystroke.inserted.len(),
        };
        // The server frees the old whole-file tree elsewhere; so does this.
        analysis.parse.reusable = None;
        let findings = analysis.take_part_findings();
        let model = analysis.model.take();
        let started = Instant::now();
        let next = analyze_after_edit(
            AnalysisInput {
                line_index: Some(&index),
                ..input(&text, path)
            },
            analysis.parse,
            edit,
            model,
            findings,
        );
        times.push(Timed {
            time: started.elapsed(),
            what,
        });
        analysis = next;
    }
    (open, times)
}

/// A file named on the command line: as given, else from the workspace's root
/// (`cargo bench` runs benches in the package's folder, `server/`).
fn resolve(file: &str) -> PathBuf {
    let given = PathBuf::from(file);
    if given.exists() {
        return given;
    }
    let from_root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(file);
    if from_root.exists() { from_root } else { given }
}

fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
    let at = ((sorted.len() as f64 - 1.0) * fraction).round() as usize;
    sorted.get(at).copied().unwrap_or_default()
}

fn main() {
    let mut files = Vec::new();
    let mut edits = 200;
    let mut seed = 8;
    let mut rounds = 1;
    let mut slowest = 0;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut number = |name: &str| -> u64 {
            args.next()
                .and_then(|value| value.parse().ok())
                .unwrap_or_else(|| panic!("{name} takes a number"))
        };
        match arg.as_str() {
            "--edits" => edits = number("--edits") as usize,
            "--seed" => seed = number("--seed"),
            "--rounds" => rounds = number("--rounds"),
            "--slowest" => slowest = number("--slowest") as usize,
            // `cargo bench` passes `--bench`.
            flag if flag.starts_with("--") => {}
            file => files.push(resolve(file)),
        }
    }
    if files.is_empty() {
        eprintln!(
            "usage: cargo bench -p ddia --bench keystrokes -- FILE... [--edits N] [--seed S] [--rounds R] [--slowest K]"
        );
        std::process::exit(2);
    }
    println!("| file | edits | open | p50 | p95 | p99 | max | mean |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for file in &files {
        for _ in 0..rounds {
            let (open, mut timed) = replay(file, edits, seed);
            timed.sort_by_key(|each| each.time);
            let times: Vec<Duration> = timed.iter().map(|each| each.time).collect();
            let mean = times.iter().sum::<Duration>() / times.len().max(1) as u32;
            let name = file.file_name().map_or_else(
                || file.display().to_string(),
                |name| name.to_string_lossy().into_owned(),
            );
            println!(
                "| {name} | {} | {open:.2?} | {:.2?} | {:.2?} | {:.2?} | {:.2?} | {mean:.2?} |",
                times.len(),
                percentile(&times, 0.5),
                percentile(&times, 0.95),
                percentile(&times, 0.99),
                times.last().copied().unwrap_or_default(),
            );
            for each in timed.iter().rev().take(slowest) {
                eprintln!("{name}: {:.2?} {}", each.time, each.what);
            }
        }
    }
}
