//! Finds the values in a text that look like credentials, so that no output (a source snippet, a diff) repeats them.
//!
//! This is not the `plaintext-secret` rule: it reads lines, not the model, and it errs
//! towards masking. Whether a finding is shown, suppressed or never made, every value
//! these patterns match is masked:
//! - a value whose name says it is a credential: `POSTGRES_PASSWORD: x`,
//!   `- MYSQL_ROOT_PASSWORD=x`, `password="x"` (a SASL JAAS line), `--password=x`,
//!   `--requirepass x`;
//! - the password of a URL: `postgres://user:x@host`;
//! - the value after `-p` in a MySQL or MariaDB command (`mysqladmin -px ping`) and
//!   after `-a` in a `redis-cli` command.

use crate::text::TextRange;

/// Words that make a variable name one for a secret.
pub const SECRET_WORDS: [&str; 8] = [
    "PASSWORD",
    "PASSWD",
    "SECRET",
    "TOKEN",
    "API_KEY",
    "APIKEY",
    "PRIVATE_KEY",
    "REPLICA_SET_KEY",
];

/// Whether a variable name says it holds a secret (`POSTGRES_PASSWORD`, `API_TOKEN`),
/// not where one is (`*_FILE`, `*_PATH`) or whether an empty one is allowed.
pub fn names_a_secret(name: &str) -> bool {
    let upper = name.to_ascii_uppercase().replace(['-', '.'], "_");
    // Where the secret is kept (`POSTGRES_PASSWORD_FILE`, `STKEEPER_PG_SU_PASSWORDFILE`).
    if upper.ends_with("FILE") || upper.starts_with("ALLOW_EMPTY") || upper.ends_with("_PATH") {
        return false;
    }
    // Switches that ask the image to make one up (`MYSQL_RANDOM_ROOT_PASSWORD: "yes"`).
    if upper.contains("RANDOM_") {
        return false;
    }
    // Where a secret is, or what it is called, is not the secret (`ALLOYDB_SECRET_NAME`,
    // `TOKEN_ENDPOINT`, `AWS_ACCESS_KEY_ID`), nor how it behaves (`TOKEN_TTL`).
    const ABOUT_A_SECRET: [&str; 11] = [
        "_NAME",
        "_REF",
        "_ID",
        "_ARN",
        "_URL",
        "_URI",
        "_ENDPOINT",
        "_TTL",
        "_EXPIRY",
        "_LENGTH",
        "_TYPE",
    ];
    if ABOUT_A_SECRET.iter().any(|end| upper.ends_with(end)) {
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
        || upper.ends_with("_PASS")
        // A database's password glued to its prefix (`PAPERLESS_DBPASS`).
        || upper.ends_with("DBPASS")
        || upper.ends_with("_PWD")
}

/// Whether a name, in any tool's spelling, is one for a credential: [`names_a_secret`],
/// and the short names servers use on their command lines (`requirepass`,
/// `masterauth`, `pass`, `pwd`).
pub fn masks_value_of(name: &str) -> bool {
    let upper = name.to_ascii_uppercase().replace(['-', '.'], "_");
    // Where a secret is kept, or what it is called, is not the secret.
    let reference = ["NAME", "REF", "KEY_REF", "FILE", "PATH", "_ID"]
        .iter()
        .any(|end| upper.ends_with(end));
    if reference {
        return false;
    }
    names_a_secret(name)
        || upper.contains("REQUIREPASS")
        || upper.contains("MASTERAUTH")
        || upper == "PASS"
        || upper.ends_with("_PASS")
        || upper == "PWD"
        || upper.ends_with("_PWD")
}

/// The range of the password inside a URL with credentials (`scheme://user:pass@host`),
/// relative to `value`'s start.
pub fn url_password(value: &str) -> Option<std::ops::Range<usize>> {
    let scheme_end = value.find("://")? + 3;
    let rest = &value[scheme_end..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let at = rest[..authority_end].rfind('@')?;
    let colon = rest[..at].find(':')?;
    let password = scheme_end + colon + 1..scheme_end + at;
    (!password.is_empty()).then_some(password)
}

/// Whether a value is only a reference to a variable (`${DB_PASSWORD}`, `$TOKEN`, and
/// Compose's escaped `$$TOKEN`, read in the container): the secret is elsewhere.
pub fn is_reference(value: &str) -> bool {
    let value = value.trim_matches(['"', '\'']);
    let value = value
        .strip_prefix('$')
        .filter(|rest| rest.starts_with('$'))
        .unwrap_or(value);
    // A command substitution reads the value when the command runs.
    if value.starts_with("$(") || value.starts_with('`') {
        return true;
    }
    let name = match value.strip_prefix("${").and_then(|v| v.strip_suffix('}')) {
        // `${PASSWORD:?must be set}` fails when unset; `${A:+x}` is empty when unset:
        // neither falls back to a literal (`${PASSWORD:-x}` does).
        Some(inner) => match inner.find([':', '?', '+', '-']) {
            Some(at)
                if ["?", ":?", "+", ":+"]
                    .iter()
                    .any(|op| inner[at..].starts_with(op)) =>
            {
                &inner[..at]
            }
            _ => inner,
        },
        None => match value.strip_prefix('$') {
            Some(name) => name,
            None => return false,
        },
    };
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// The default of a value that is one Compose interpolation with a default
/// (`${VAR:-default}`, `${VAR-default}`): what it is when the variable is unset. `None`
/// for anything else, and for a default that is itself a reference.
pub fn interpolation_default(value: &str) -> Option<&str> {
    let inner = value.trim().strip_prefix("${")?.strip_suffix('}')?;
    let name_end = inner.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))?;
    let rest = &inner[name_end..];
    let default = rest.strip_prefix(":-").or_else(|| rest.strip_prefix('-'))?;
    (!default.contains('$')).then_some(default)
}

/// Whether a value is an obvious placeholder, not a secret: `<password>`,
/// `INSERT_PASSWORD_HERE`, `CHANGE_ME_PLEASE`.
pub fn is_placeholder(value: &str) -> bool {
    let value = value.trim().trim_matches(['"', '\'']);
    let upper = value.to_ascii_uppercase();
    (value.starts_with('<') && value.ends_with('>'))
        || upper.starts_with("INSERT_")
        || upper.starts_with("CHANGE_ME_")
        || upper == "CHANGE_ME"
}

/// Command-line tools and the short option that takes their password: `sqlcmd -P x`,
/// `cqlsh -p x`, `redis-cli -a x`; the MySQL family's `-px` only attached (`-p x`
/// prompts, and `x` is a database).
const TOOLS: &[(&str, &str, bool)] = &[
    ("sqlcmd", "-P", false),
    // The password is in the connect string; see `command_credentials`.
    ("sqlplus", "\u{0}", true),
    ("cqlsh", "-p", false),
    ("mongosh", "-p", false),
    ("mongo", "-p", false),
    ("redis-cli", "-a", false),
    ("valkey-cli", "-a", false),
    ("mysql", "-p", true),
    ("mysqladmin", "-p", true),
    ("mysqldump", "-p", true),
    ("mariadb", "-p", true),
    ("mariadb-admin", "-p", true),
    // SAP HANA's client.
    ("hdbsql", "-p", false),
];

/// The passwords written on command lines (commands, entrypoints, health checks) in
/// `range` of `text`: a tool's password option (`sqlcmd -P x`, `cqlsh -p x`,
/// `mysqladmin -px`), a flag named for a secret (`--password=x`, `--requirepass x`) and
/// a `name=value` setting named for one (`--set storage.secret_key=x`). Each comes with
/// how it is given, for a message (`sqlcmd -P`). Comment lines are skipped; references
/// (`$$PASSWORD`) and placeholders are not passwords.
pub fn command_credentials(text: &str, range: TextRange) -> Vec<(TextRange, String)> {
    let mut found = Vec::new();
    let Some(body) = text.get(range.as_range()) else {
        return found;
    };
    let mut line_start = range.start;
    // A flag that ends its line takes its value from the next one: the next item of a
    // block list (`args: ["--password", "x"]` written one item per line).
    let mut pending_flag: Option<String> = None;
    for line in body.split_inclusive('\n') {
        let offset = line_start;
        line_start += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        if content.trim_start().starts_with('#') {
            continue;
        }
        // Words with their offsets; brackets, commas and quotes of flow lists split too.
        let mut words: Vec<(usize, &str)> = Vec::new();
        let mut start = None;
        for (at, character) in content.char_indices() {
            let separator =
                character.is_whitespace() || matches!(character, '[' | ']' | ',' | '"' | '\'');
            match (separator, start) {
                (true, Some(from)) => {
                    words.push((from, &content[from..at]));
                    start = None;
                }
                (false, None) => start = Some(at),
                _ => {}
            }
        }
        if let Some(from) = start {
            words.push((from, &content[from..]));
        }
        let mut tool: Option<&(&str, &str, bool)> = None;
        let mut push = |at: usize, value: &str, how: String| {
            let value = value.trim_end_matches([';', ')']);
            if value.is_empty() || is_reference(value) || is_placeholder(value) {
                return;
            }
            found.push((TextRange::new(offset + at, offset + at + value.len()), how));
        };
        if let Some(flag) = pending_flag.take() {
            let first = words.iter().find(|(_, word)| *word != "-");
            if let Some(&(at, value)) = first.filter(|(_, value)| !value.starts_with('-')) {
                push(at, value, flag);
                continue;
            }
        }
        for (index, &(at, word)) in words.iter().enumerate() {
            if matches!(word, "&&" | "||" | ";" | "|") {
                tool = None;
                continue;
            }
            let executable = word.rsplit('/').next().unwrap_or(word);
            // MinIO's client: `mc alias set NAME URL ACCESS SECRET` (and the older
            // `mc config host add ...`): the secret key is the fourth word after.
            if executable == "mc" {
                let after: Vec<&str> = words[index + 1..].iter().map(|(_, w)| *w).collect();
                let secret_at = match after.as_slice() {
                    ["alias", "set", ..] => Some(index + 6),
                    ["config", "host", "add", ..] => Some(index + 7),
                    _ => None,
                };
                if let Some(&(secret_at, secret)) = secret_at.and_then(|at| words.get(at))
                    && !secret.starts_with('-')
                {
                    push(
                        secret_at,
                        secret,
                        "`mc alias set ... ACCESS SECRET`".to_owned(),
                    );
                }
                continue;
            }
            if let Some(known) = TOOLS.iter().find(|(name, _, _)| *name == executable) {
                tool = Some(known);
                continue;
            }
            let next = words.get(index + 1);
            // `sqlplus user/password@//host/service`: the password inside the connect
            // string.
            if tool.is_some_and(|(name, _, _)| *name == "sqlplus")
                && let Some((user, rest)) = word.split_once('/')
                && let Some((password, _)) = rest.split_once('@')
                && !user.is_empty()
                && !user.starts_with('-')
            {
                push(
                    at + user.len() + 1,
                    password,
                    "`sqlplus user/password@...`".to_owned(),
                );
                continue;
            }
            if let Some((_, option, attached_only)) = tool {
                if word == *option && !attached_only {
                    if let Some(&(next_at, value)) = next {
                        push(
                            next_at,
                            value,
                            format!("`{} {option}`", tool.map_or("", |t| t.0)),
                        );
                    }
                    continue;
                }
                if let Some(value) = word.strip_prefix(option).filter(|v| !v.is_empty()) {
                    push(
                        at + option.len(),
                        value,
                        format!("`{} {option}`", tool.map_or("", |t| t.0)),
                    );
                    continue;
                }
            }
            // `curl -u user:password`, `--user user:password`.
            if matches!(word, "-u" | "--user")
                && let Some(&(next_at, value)) = next
                && let Some((user, password)) = value.split_once(':')
                && !user.is_empty()
                && !user.starts_with('$')
                && !password.is_empty()
            {
                push(
                    next_at + user.len() + 1,
                    password,
                    format!("`{word} user:password`"),
                );
                continue;
            }
            // A URL with a password (`hummock+minio://admin:secret@minio:9000/`).
            if word.contains("://")
                && let Some(password) = url_password(word)
            {
                let value = &word[password.clone()];
                if !value.contains('$') {
                    push(
                        at + password.start,
                        value,
                        "a URL with a password".to_owned(),
                    );
                }
                continue;
            }
            // A Java system property named for a secret (`-Djavax.jdo.option.
            // ConnectionPassword=x`).
            if let Some(property) = word.strip_prefix("-D")
                && let Some((name, value)) = property.split_once('=')
                && masks_value_of(name.rsplit('.').next().unwrap_or(name))
            {
                push(at + 2 + name.len() + 1, value, format!("`-D{name}`"));
                continue;
            }
            let flag = word.trim_start_matches('-');
            match flag.split_once('=') {
                Some((name, value)) if masks_value_of(name) => {
                    let value_at = at + (word.len() - flag.len()) + name.len() + 1;
                    push(
                        value_at,
                        value,
                        format!("`{}`", &word[..word.len() - value.len()]),
                    );
                }
                None if word.starts_with("--") && masks_value_of(flag) => {
                    if let Some(&(next_at, value)) = next.filter(|(_, v)| !v.starts_with('-')) {
                        push(next_at, value, format!("`{word}`"));
                    } else if next.is_none() {
                        pending_flag = Some(format!("`{word}`"));
                    }
                }
                _ => {}
            }
        }
    }
    found
}

/// Bytes that may make up a name before `=` or `:`.
fn is_name_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'-' | b'.')
}

/// Every range of `text` that holds a value looking like a credential (see the module
/// documentation), in order. Ranges never span a line break.
pub fn credential_ranges(text: &str) -> Vec<TextRange> {
    let mut ranges = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        scan_line(body, line_start, &mut ranges);
        line_start += line.len();
    }
    ranges.sort_by_key(|range| (range.start, range.end));
    ranges.dedup();
    ranges
}

fn scan_line(line: &str, offset: usize, ranges: &mut Vec<TextRange>) {
    let bytes = line.as_bytes();
    let mut push = |start: usize, end: usize| {
        let value = &line[start..end];
        let trimmed = value.trim();
        if trimmed.is_empty() || is_reference(trimmed) {
            return;
        }
        ranges.push(TextRange::new(offset + start, offset + end));
    };
    // URLs with a password.
    let mut from = 0;
    while let Some(found) = line[from..].find("://") {
        let scheme = from + found;
        let start = line[..scheme]
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
            .map_or(0, |before| {
                before + line[before..].chars().next().map_or(1, char::len_utf8)
            });
        let end = line[scheme..]
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '`' | ',' | ']'))
            .map_or(line.len(), |after| scheme + after);
        if let Some(password) = url_password(&line[start..end]) {
            push(start + password.start, start + password.end);
        }
        from = end.max(scheme + 3);
    }
    // `name=value`, `name: value`, `"name": "value"`.
    for (at, &byte) in bytes.iter().enumerate() {
        if byte != b'=' && byte != b':' {
            continue;
        }
        if byte == b':'
            && bytes
                .get(at + 1)
                .is_some_and(|next| !matches!(next, b' ' | b'\t' | b'"' | b'\''))
        {
            // `host:port`, `image:tag`, a URL's scheme.
            continue;
        }
        let mut name_end = at;
        let quoted_name = name_end > 0 && matches!(bytes[name_end - 1], b'"' | b'\'');
        if quoted_name {
            name_end -= 1;
        }
        let mut name_start = name_end;
        while name_start > 0 && is_name_byte(bytes[name_start - 1]) {
            name_start -= 1;
        }
        if name_start == name_end || !masks_value_of(&line[name_start..name_end]) {
            continue;
        }
        // A value that starts the line's scalar (`KEY: v`, `- KEY=v`) runs to its end;
        // one inside a command runs to the next space.
        let before = line[..name_start].trim_start_matches([' ', '\t']);
        let before = before.strip_prefix('-').unwrap_or(before).trim_start();
        let before = before.trim_start_matches(['"', '\'']);
        let whole_line = before.is_empty() || byte == b':';
        let mut start = at + 1;
        while start < bytes.len() && matches!(bytes[start], b' ' | b'\t') {
            start += 1;
        }
        let end = value_end(line, start, whole_line);
        push(start, end);
    }
    // `--password value`, `--requirepass value`.
    for (at, _) in line.match_indices("--") {
        let name_start = at + 2;
        let name_end = line[name_start..]
            .find(|c: char| !is_name_byte(c as u8) || !c.is_ascii())
            .map_or(line.len(), |end| name_start + end);
        if name_end == name_start
            || !line[name_end..].starts_with(' ')
            || !masks_value_of(&line[name_start..name_end])
        {
            continue;
        }
        let start = name_end + 1;
        if line[start..].starts_with('-') {
            continue;
        }
        push(start, value_end(line, start, false));
    }
    // Short options: MySQL's `-pVALUE`, `redis-cli -a VALUE`.
    let lower = line.to_ascii_lowercase();
    let mysql = lower.contains("mysql") || lower.contains("mariadb");
    let redis = lower.contains("redis-cli");
    for (at, _) in line.match_indices('-') {
        let boundary =
            at == 0 || matches!(bytes[at - 1], b' ' | b'\t' | b'"' | b'\'' | b'[' | b',');
        if !boundary {
            continue;
        }
        match bytes.get(at + 1) {
            Some(b'p') if mysql => {
                let start = at + 2;
                if bytes
                    .get(start)
                    .is_some_and(|b| !matches!(b, b' ' | b'\t' | b'"' | b'\''))
                {
                    push(start, value_end(line, start, false));
                }
            }
            Some(b'a') if redis && bytes.get(at + 2) == Some(&b' ') => {
                let start = at + 3;
                push(start, value_end(line, start, false));
            }
            _ => {}
        }
    }
}

/// Where a value starting at `start` ends: at its closing quote when it is quoted, else
/// at the next space (inside a command) or at a comment or the end of the line.
fn value_end(line: &str, start: usize, whole_line: bool) -> usize {
    let rest = &line[start..];
    if let Some(quote) = rest.chars().next().filter(|c| matches!(c, '"' | '\'')) {
        return rest[1..]
            .find(quote)
            .map_or(line.len(), |close| start + 1 + close + 1);
    }
    let end = if whole_line {
        rest.find(" #").unwrap_or(rest.len())
    } else {
        rest.find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ',' | ']' | ';'))
            .unwrap_or(rest.len())
    };
    let value = rest[..end].trim_end();
    start + value.len()
}

#[cfg(test)]
mod tests {
    use super::{command_credentials, credential_ranges};
    use crate::text::TextRange;

    /// The passwords of command lines and how each is given.
    fn on_command_lines(text: &str) -> Vec<(&str, String)> {
        command_credentials(text, TextRange::new(0, text.len()))
            .into_iter()
            .map(|(range, how)| (&text[range.as_range()], how))
            .collect()
    }

    #[test]
    fn passwords_on_command_lines_are_found_with_how_they_are_given() {
        let found = on_command_lines(
            "test: /opt/mssql-tools/bin/sqlcmd -S localhost -U sa -P 'Str0ng!Pass' -Q 'SELECT 1'\n\
             test: [\"CMD\", \"cqlsh\", \"-u\", \"cassandra\", \"-p\", \"cassandra\"]\n\
             test: mysqladmin ping -h localhost -P 3306 -psecret1\n\
             command: redpanda start --set redpanda.cloud_storage_secret_key=minio123 --requirepass x1\n\
             # test: sqlcmd -P commented\n\
             test: mysqladmin ping -p$$MYSQL_ROOT_PASSWORD && redis-cli -a ${REDIS_PASSWORD} ping\n",
        );
        let expected: Vec<(&str, String)> = vec![
            ("Str0ng!Pass", "`sqlcmd -P`".to_owned()),
            ("cassandra", "`cqlsh -p`".to_owned()),
            ("secret1", "`mysqladmin -p`".to_owned()),
            (
                "minio123",
                "`redpanda.cloud_storage_secret_key=`".to_owned(),
            ),
            ("x1", "`--requirepass`".to_owned()),
        ];
        assert_eq!(found, expected);
    }

    /// The masked values of a text.
    fn masked(text: &str) -> Vec<&str> {
        credential_ranges(text)
            .into_iter()
            .map(|range| &text[range.as_range()])
            .collect()
    }

    #[test]
    fn values_named_as_credentials_are_found() {
        assert_eq!(masked("POSTGRES_PASSWORD: hunter2\n"), ["hunter2"]);
        assert_eq!(masked("  - MYSQL_ROOT_PASSWORD=a b c  # why\n"), ["a b c"]);
        assert_eq!(masked("  \"API_TOKEN\": \"abc\"\n"), ["\"abc\""]);
        assert_eq!(
            masked("sasl.jaas.config: x required username=\"u\" password=\"p4ss\";"),
            ["\"p4ss\""]
        );
        assert_eq!(masked("DB_PWD: x1\n"), ["x1"]);
        // A switch that asks for a generated password is not one.
        assert!(masked("MYSQL_RANDOM_ROOT_PASSWORD: \"yes\"\n").is_empty());
        assert!(!super::names_a_secret("MARIADB_RANDOM_ROOT_PASSWORD"));
        // Where a secret is, or its name, is not the secret.
        assert!(masked("secretName: db-credentials\nPASSWORD_FILE: /run/secrets/db\n").is_empty());
        assert!(masked("POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}\n").is_empty());
        assert_eq!(
            masked("POSTGRES_PASSWORD: ${PW:-devpass}\n"),
            ["${PW:-devpass}"]
        );
    }

    #[test]
    fn command_arguments_and_urls_are_found() {
        assert_eq!(
            masked("test: [\"CMD\", \"mysqladmin\", \"ping\", \"-psecret1\"]"),
            ["secret1"]
        );
        assert_eq!(
            masked("command: redis-server --requirepass s3cret --port 6379"),
            ["s3cret"]
        );
        assert_eq!(masked("test: redis-cli -a pass123 ping"), ["pass123"]);
        assert_eq!(masked("cmd: app --password=xyz --verbose"), ["xyz"]);
        assert_eq!(
            masked("DATABASE_URL: postgres://app:pa55@db:5432/app?x=1"),
            ["pa55"]
        );
        // A port, an image tag and a URL without a password are not secrets.
        assert!(
            masked("image: postgres:16\nports: [\"5432:5432\"]\nurl: http://db:80/x").is_empty()
        );
    }
}
