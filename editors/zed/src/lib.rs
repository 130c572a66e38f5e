//! The Zed extension of ddia: starts `ddia lsp` for YAML files, with the `ddia` found on the worktree's PATH.

use zed_extension_api::{self as zed, LanguageServerId, Result};

/// The extension; it keeps no state.
struct DdiaExtension;

impl zed::Extension for DdiaExtension {
    fn new() -> Self {
        DdiaExtension
    }

    fn language_server_command(
        &mut self,
        _language_server_id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<zed::Command> {
        let command = worktree.which("ddia").ok_or_else(|| {
            "ddia was not found on PATH: install it with `pipx install ddia` \
             (or `cargo install --path server` from a clone of the repository)"
                .to_string()
        })?;
        Ok(zed::Command {
            command,
            args: vec!["lsp".to_string()],
            env: worktree.shell_env(),
        })
    }
}

zed::register_extension!(DdiaExtension);
