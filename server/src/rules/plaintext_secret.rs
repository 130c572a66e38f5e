//! `plaintext-secret`: a password, token or key written into the file.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports an environment variable whose name says it holds a secret (`PASSWORD`,
    /// `PASSWD`, `SECRET`, `TOKEN`, `API_KEY`, `PRIVATE_KEY`) and whose value is written
    /// literally in the file, rather than taken from the environment (`${VAR}`) or from
    /// a file (`*_FILE` variables with Docker secrets); and any variable holding a URL
    /// with a literal password (`postgres://app:secret@db/app`). The finding never
    /// repeats the value.
    ///
    /// ## Why is this bad
    /// A file in a repository is read by everyone with access to the repository, its
    /// forks, its CI logs and its backups, forever: removing the line later does not
    /// remove it from history. Demo passwords also tend to survive into production.
    ///
    /// ## Example
    /// ```yaml
    /// environment:
    ///   POSTGRES_PASSWORD: hunter2
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// environment:
    ///   POSTGRES_PASSWORD_FILE: /run/secrets/db_password
    /// secrets:
    ///   - db_password
    /// ```
    /// or `POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}` from an untracked `.env` file.
    ///
    /// ## References
    /// - Docker documentation, "Manage secrets securely in Docker Compose".
    pub static PLAINTEXT_SECRET = {
        code: "plaintext-secret",
        severity: Warning,
        category: Infrastructure,
        summary: "A secret written in plain text in the file",
        fix: None,
        scope: Component,
        check: Some(check),
    }
}

const SECRET_WORDS: [&str; 8] = [
    "PASSWORD",
    "PASSWD",
    "SECRET",
    "TOKEN",
    "API_KEY",
    "APIKEY",
    "PRIVATE_KEY",
    "REPLICA_SET_KEY",
];

/// Whether a variable name says it holds a secret.
pub(crate) fn names_a_secret(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    if upper.ends_with("_FILE") || upper.starts_with("ALLOW_EMPTY") || upper.ends_with("_PATH") {
        return false;
    }
    // Names that say "token" but hold an identifier, not a credential.
    if matches!(
        upper.as_str(),
        "ETCD_INITIAL_CLUSTER_TOKEN" | "INITIAL_CLUSTER_TOKEN"
    ) {
        return false;
    }
    SECRET_WORDS.iter().any(|word| upper.contains(word))
}

/// Whether a value is a literal that looks like a secret (not interpolated, not a flag).
fn is_literal_secret(value: &str) -> bool {
    let value = value.trim();
    // `$$` is Compose's escape for a literal `$`.
    let escaped = value.starts_with("$$");
    if value.is_empty() || value.contains("${") || (value.starts_with('$') && !escaped) {
        return false;
    }
    // Lengths, timeouts and counts (`PASSWORD_MIN_LENGTH: 12`) are not secrets.
    if value.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let flag = matches!(
        value.to_ascii_lowercase().as_str(),
        "yes" | "no" | "true" | "false" | "on" | "off" | "0" | "1" | "none" | "null"
    );
    !flag && !value.starts_with("/run/secrets/")
}

/// Whether a value is a URL with a literal password (`postgres://app:pw@db/app`).
fn url_with_password(value: &str) -> bool {
    let Some((_, rest)) = value.split_once("://") else {
        return false;
    };
    let Some((credentials, _)) = rest.split_once('@') else {
        return false;
    };
    match credentials.split_once(':') {
        Some((_, password)) => {
            !password.is_empty() && !password.contains('/') && !password.contains('$')
        }
        None => false,
    }
}

fn check(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    for workload in &model.workloads {
        for variable in &workload.environment {
            let (Some(value), Some(range)) = (&variable.value, variable.value_range) else {
                continue;
            };
            // An env file is where secrets belong (and is usually not committed).
            if variable.from_env_file {
                continue;
            }
            if url_with_password(value) {
                let diagnostic = ctx.diagnostic(
                    range,
                    format!(
                        "`{}` of {} `{}` is a URL with a password written in plain text: everyone who can read this file or its history has it",
                        variable.name,
                        workload.kind.noun(),
                        workload.name.value
                    ),
                );
                ctx.report(diagnostic);
                continue;
            }
            if !names_a_secret(&variable.name) || !is_literal_secret(value) {
                continue;
            }
            let diagnostic = ctx.diagnostic(
                range,
                format!(
                    "`{}` of {} `{}` is written in plain text: everyone who can read this file or its history has it; pass it as `${{{}}}` or through a secrets file",
                    variable.name,
                    workload.kind.noun(),
                    workload.name.value,
                    variable.name
                ),
            );
            ctx.report(diagnostic);
        }
    }
}
