//! `plaintext-secret`: a password, token or key written into the file.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports an environment variable whose name says it holds a secret (`PASSWORD`,
    /// `PASSWD`, `SECRET`, `TOKEN`, `API_KEY`, `PRIVATE_KEY`, or ending in `_PASS`,
    /// `DBPASS` or `_PWD`; not `*FILE` or `*_PATH`, which say where one is) and whose
    /// value is written
    /// literally in the file, rather than taken from the environment (`${VAR}`) or from
    /// a file (`*_FILE` variables with Docker secrets), or falls back to a literal one
    /// (`${DB_PASSWORD:-hunter2}`); any variable holding a URL with a literal password
    /// (`postgres://app:secret@db/app`); a password on a command line, in an
    /// entrypoint, a command or a health check (`sqlcmd -P x`, `cqlsh -p x`,
    /// `mysqladmin -px`, `redis-cli -a x`, `--password=x`, `--requirepass x`); and a
    /// password entry of a Kubernetes `Secret` written in the manifest (`stringData`, or
    /// `data`, whose base64 is no protection), or of a `ConfigMap` (a password, a URL
    /// with one, or a configuration file that sets one, `requirepass x`, where no
    /// secret belongs). A variable named for a secret that falls back to a literal
    /// inside another value counts too (`postgres://app:${DB_PASSWORD:-x}@db/app`). Obvious placeholders (`<password>`,
    /// `INSERT_*`, `CHANGE_ME_*`), references (`${VAR}`, `$$VAR`) and command
    /// substitutions (`$(cat /run/secrets/x)`) are not secrets.
    /// The finding never repeats the value.
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

use crate::secrets::{
    command_credentials, is_placeholder, masks_value_of, names_a_secret, url_password,
};

/// Whether a value written in the file is a secret in plain text: not empty, not a
/// reference to a variable, not a count or a switch, not a placeholder, not a path to
/// a secret file.
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
    !flag && !is_placeholder(value) && !value.starts_with("/run/secrets/")
}

/// Whether a variable or key named for a secret holds one written literally (not a
/// reference, a flag, a placeholder or a template of its own name).
fn is_literal_named_secret(name: &str, value: &str) -> bool {
    names_a_secret(name)
        && (is_literal_secret(value) || is_numeric_password(name, value))
        && !names_itself(name, value)
}

/// Whether a number is the value of a variable whose name ends in the secret itself
/// (`MYSQL_ROOT_PASSWORD: 123456`), not a setting about one (`PASSWORD_MIN_LENGTH:
/// 12`, `TOKEN_TTL: 3600`).
fn is_numeric_password(name: &str, value: &str) -> bool {
    let value = value.trim().trim_matches(['"', '\'']);
    let upper = name.to_ascii_uppercase().replace(['-', '.'], "_");
    value.len() >= 4
        && value.bytes().all(|b| b.is_ascii_digit())
        && ["PASSWORD", "PASSWD", "_PASS", "_PWD", "SECRET", "TOKEN"]
            .iter()
            .any(|end| upper.ends_with(end))
}

/// Whether a value is a URL whose password is written literally (not `${VAR}`, not a
/// path-like or placeholder part).
fn has_literal_url_password(value: &str) -> bool {
    url_password(value).is_some_and(|password| {
        let password = &value[password];
        !password.contains('/') && !password.contains('$') && !is_placeholder(password)
    })
}

/// Whether a value only repeats its own name (`AWS_SECRET_ACCESS_KEY:
/// AWS_SECRET_ACCESS_KEY`, `GOOGLE_API_KEY: GOOGLE_API_KEY_VAL`): a template to fill
/// in, not a secret.
fn names_itself(name: &str, value: &str) -> bool {
    // Written as the name, in capitals, maybe with a suffix a script replaces
    // (`GOOGLE_API_KEY_VAL`); a lower-case `postgres_password` is a password someone
    // chose.
    let value = value.trim().trim_matches(['"', '\'']);
    value.starts_with(name.trim())
        && value
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// The literal default of a Compose interpolation (`${DB_PASSWORD:-hunter2}`,
/// `${DB_PASSWORD-hunter2}`), when it is a secret: used whenever the variable is unset.
fn literal_default(value: &str) -> Option<&str> {
    crate::secrets::interpolation_default(value).filter(|default| is_literal_secret(default))
}

/// The first interpolation inside a value of a variable named for a secret whose
/// default is a literal secret (`postgres://app:${DB_PASSWORD:-hunter2}@db/app`,
/// `NEO4J_AUTH=neo4j/${NEO4J_PASSWORD-password}`): the secret the value falls back
/// to when that variable is unset. Returns the variable's name.
fn embedded_literal_default(value: &str) -> Option<&str> {
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        let inner = &rest[start + 2..];
        let name_end = inner
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(inner.len());
        let name = &inner[..name_end];
        let after = &inner[name_end..];
        let default = after.strip_prefix(":-").or_else(|| after.strip_prefix('-'));
        if let Some(default) = default
            && let Some(end) = default.find('}')
            && !default[..end].contains("${")
            && names_a_secret(name)
            && is_literal_secret(&default[..end])
        {
            return Some(name);
        }
        rest = &inner[name_end..];
    }
    None
}

/// The name of the first Java system property in a value that is named for a secret
/// and set to a literal (`-Djavax.jdo.option.ConnectionPassword=hunter2`).
fn java_property_secret(value: &str) -> Option<&str> {
    value.split_whitespace().find_map(|word| {
        let (name, secret) = word
            .trim_matches(['"', '\''])
            .strip_prefix("-D")?
            .split_once('=')?;
        let last = name.rsplit('.').next().unwrap_or(name);
        (masks_value_of(last) && is_literal_secret(secret)).then_some(name)
    })
}

/// A configuration file held in a block scalar (`redis.conf: |` in a ConfigMap) that
/// sets a credential to a literal (`requirepass hunter2`, `password = hunter2`,
/// `password: hunter2`): the setting's name and the value's range in the text.
fn config_file_password(text: &str, range: TextRange) -> Option<(String, TextRange)> {
    let raw = text.get(range.start..range.end)?;
    // Only a file: several lines, written as a block scalar (the range may start at its
    // `|` indicator or at its first line).
    if !raw.trim_end().contains('\n') || raw.trim_start().starts_with(['"', '\'']) {
        return None;
    }
    let header = usize::from(raw.trim_start().starts_with(['|', '>']));
    let mut offset = range.start;
    for (at, line) in raw.split_inclusive('\n').enumerate() {
        if at < header {
            offset += line.len();
            continue;
        }
        let line_start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let indent = content.len() - content.trim_start().len();
        let content = content.trim_start();
        if content.starts_with(['#', ';']) {
            continue;
        }
        let key_end = content
            .find(|c: char| c.is_whitespace() || c == '=' || c == ':')
            .unwrap_or(content.len());
        let key = &content[..key_end];
        if key.is_empty() || !masks_value_of(key) {
            continue;
        }
        let rest = &content[key_end..];
        let value_at = rest
            .find(|c: char| !(c.is_whitespace() || c == '=' || c == ':'))
            .unwrap_or(rest.len());
        let value = rest[value_at..].trim_end();
        let unquoted = value.trim_matches(['"', '\'']);
        // A long number set for a credential is a password (`requirepass 5241590000`),
        // where a short one would rather be a count (`password_retries 3`).
        // A marker that a start script replaces with the real password (Redis HA's
        // `requirepass replace-default-auth`) is not the password.
        let lower = unquoted.to_ascii_lowercase();
        if ["replace-", "replace_", "replace."]
            .iter()
            .any(|marker| lower.starts_with(marker))
        {
            continue;
        }
        let numeric_password = unquoted.len() >= 6 && unquoted.bytes().all(|b| b.is_ascii_digit());
        if !(is_literal_secret(unquoted) || numeric_password)
            || unquoted.contains(char::is_whitespace)
        {
            continue;
        }
        let start = line_start + indent + key_end + value_at;
        return Some((key.to_owned(), TextRange::new(start, start + value.len())));
    }
    None
}

fn check(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    for workload in &model.workloads {
        let what = format!("{} `{}`", workload.kind.noun(), workload.name.value);
        let fix_hint = if workload.kind == WorkloadKind::ComposeService {
            "pass it as `${NAME}` from an untracked `.env` file or through a secrets file"
        } else {
            "take it from a Secret with `valueFrom.secretKeyRef`"
        };
        let mut reported: Vec<TextRange> = Vec::new();
        for variable in workload
            .environment
            .iter()
            .chain(&workload.sidecar_environment)
        {
            let (Some(value), Some(range)) = (&variable.value, variable.value_range) else {
                continue;
            };
            // An env file is where secrets belong (and is usually not committed).
            if variable.from_env_file {
                continue;
            }
            reported.push(range);
            // Written in a service that this one `extends` in the file: reported there,
            // where the fix belongs.
            if variable.inherited {
                continue;
            }
            if has_literal_url_password(value) {
                let diagnostic = ctx.diagnostic(
                    range,
                    format!(
                        "`{}` of {what} is a URL with a password written in plain text: everyone who can read this file or its history has it",
                        variable.name
                    ),
                );
                ctx.report(diagnostic);
                continue;
            }
            if !names_a_secret(&variable.name) || literal_default(value).is_none() {
                // A secret-named variable inside the value (a URL's password, a
                // `user/password` pair) with a literal default.
                if let Some(inner) = embedded_literal_default(value)
                    && !is_literal_named_secret(&variable.name, value)
                {
                    let diagnostic = ctx.diagnostic(
                        range,
                        format!(
                            "`{}` of {what} falls back to a password written in plain text when `{inner}` is unset (`${{{inner}:-...}}`): everyone who can read this file has it; leave out the default",
                            variable.name
                        ),
                    );
                    ctx.report(diagnostic);
                    continue;
                }
            }
            if !names_a_secret(&variable.name) {
                // Options for a program in a variable (`JAVA_OPTS`, `SERVICE_OPTS`): a
                // Java system property named for a secret.
                if let Some(property) = java_property_secret(value) {
                    // On the property itself when the value is written over lines.
                    let needle = format!("-D{property}=");
                    let at = ctx
                        .text
                        .get(range.as_range())
                        .and_then(|written| written.find(&needle))
                        .map_or(range, |at| {
                            TextRange::new(range.start + at, range.start + at + needle.len())
                        });
                    let diagnostic = ctx.diagnostic(
                        at,
                        format!(
                            "`{}` of {what} sets `-D{property}` to a password written in plain text: everyone who can read this file or its history, or the process list, has it; {}",
                            variable.name,
                            fix_hint.replace("NAME", &variable.name)
                        ),
                    );
                    ctx.report(diagnostic);
                }
                continue;
            }
            let message = if is_literal_named_secret(&variable.name, value) {
                format!(
                    "`{}` of {what} is written in plain text: everyone who can read this file or its history has it; {}",
                    variable.name,
                    fix_hint.replace("NAME", &variable.name)
                )
            } else if literal_default(value).is_some() {
                format!(
                    "`{}` of {what} falls back to a password written in plain text when the variable is unset (`${{{}:-...}}`): everyone who can read this file has it; leave out the default",
                    variable.name, variable.name
                )
            } else {
                continue;
            };
            let diagnostic = ctx.diagnostic(range, message);
            ctx.report(diagnostic);
        }
        // Passwords on command lines: entrypoints, commands, health checks.
        for (range, how) in command_credentials(ctx.text, workload.section.range) {
            let overlaps = reported
                .iter()
                .any(|r| range.start < r.end && r.start < range.end);
            if overlaps {
                continue;
            }
            let diagnostic = ctx.diagnostic(
                range,
                format!(
                    "{what} passes a password on a command line ({how}) written in plain text: everyone who can read this file or its history, or the process list, has it; {}",
                    if workload.kind == WorkloadKind::ComposeService {
                        "read it from the container's environment (`$$DB_PASSWORD`, set from an untracked `.env` file) or from a secrets file"
                    } else {
                        "read it from an environment variable set with `valueFrom.secretKeyRef`"
                    }
                ),
            );
            ctx.report(diagnostic);
        }
    }
    for entry in &model.secret_entries {
        let value = &entry.value.value;
        // A ConfigMap holds configuration: a password in it, or in a URL in it, is
        // readable by everything that can read the configuration.
        if entry.config_map {
            // A configuration file in the ConfigMap that sets a password.
            if let Some((setting, range)) = config_file_password(ctx.text, entry.value.range) {
                let diagnostic = ctx.diagnostic(
                    range,
                    format!(
                        "`{}` of ConfigMap `{}` sets `{setting}` to a password written in plain text, in a ConfigMap rather than a Secret: everyone who can read this file, its history or the cluster's configuration has it; move it to a Secret created from outside the repository",
                        entry.key.value, entry.object.value
                    ),
                );
                ctx.report(diagnostic);
                continue;
            }
            let in_url = has_literal_url_password(value);
            let named = is_literal_named_secret(&entry.key.value, value);
            if in_url || named {
                let what = if in_url && !named {
                    "holds a URL with a password"
                } else {
                    "is a password"
                };
                let diagnostic = ctx.diagnostic(
                    entry.value.range,
                    format!(
                        "`{}` of ConfigMap `{}` {what} written in plain text, in a ConfigMap rather than a Secret: everyone who can read this file, its history or the cluster's configuration has it; move it to a Secret created from outside the repository",
                        entry.key.value, entry.object.value
                    ),
                );
                ctx.report(diagnostic);
            }
            continue;
        }
        if !is_literal_named_secret(&entry.key.value, value) {
            // Whatever the key is called, a connection URL with its password in it
            // (`amqp://user:password@host`), base64 or not.
            let decoded = if entry.encoded {
                use base64::Engine as _;
                base64::engine::general_purpose::STANDARD
                    .decode(value.trim().trim_matches(['"', '\'']))
                    .ok()
                    .and_then(|bytes| String::from_utf8(bytes).ok())
            } else {
                Some(value.clone())
            };
            if decoded.is_some_and(|decoded| has_literal_url_password(&decoded)) {
                let diagnostic = ctx.diagnostic(
                    entry.value.range,
                    format!(
                        "`{}` of Secret `{}` holds a URL with a password, written in the manifest{}: everyone who can read this file or its history has it; create the Secret from outside the repository (`kubectl create secret`, Sealed Secrets, External Secrets)",
                        entry.key.value,
                        entry.object.value,
                        if entry.encoded {
                            " (base64 is an encoding, not encryption)"
                        } else {
                            ""
                        }
                    ),
                );
                ctx.report(diagnostic);
            }
            continue;
        }
        let encoding = if entry.encoded {
            " (base64 is an encoding, not encryption)"
        } else {
            ""
        };
        let diagnostic = ctx.diagnostic(
            entry.value.range,
            format!(
                "`{}` of Secret `{}` is written in the manifest{encoding}: everyone who can read this file or its history has it; create the Secret from outside the repository (`kubectl create secret`, Sealed Secrets, External Secrets)",
                entry.key.value, entry.object.value
            ),
        );
        ctx.report(diagnostic);
    }
}
