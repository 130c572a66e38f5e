//! Build script: the long version `ddia --version` prints, with the commit and date it was built from when the sources are a git checkout (`0.1.0 (1a2b3c4 2026-12-07)`).

use std::path::Path;
use std::process::Command;

fn main() {
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
    let repository = Path::new(&manifest_dir).join("..");
    let git_dir = repository.join(".git");
    // Only a checkout knows its commit (an sdist or a crate package does not).
    let commit = git_dir
        .is_dir()
        .then(|| {
            Command::new("git")
                .args(["log", "-1", "--format=%h %cs"])
                .current_dir(&repository)
                .output()
                .ok()
                .filter(|output| output.status.success())
                .and_then(|output| String::from_utf8(output.stdout).ok())
                .map(|text| text.trim().to_owned())
                .filter(|text| !text.is_empty())
        })
        .flatten();
    let long = match commit {
        Some(commit) => format!("{version} ({commit})"),
        None => version,
    };
    println!("cargo:rustc-env=DDIA_LONG_VERSION={long}");
    // A new commit changes HEAD's target; only existing paths are watched, so that a
    // build outside a checkout does not run this script every time.
    for watched in ["HEAD", "refs/heads", "packed-refs"] {
        let path = git_dir.join(watched);
        if path.exists() {
            println!("cargo:rerun-if-changed={}", path.display());
        }
    }
    println!("cargo:rerun-if-changed=build.rs");
}
