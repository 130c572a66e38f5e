//! `unauthenticated-datastore`: a datastore reachable from outside its host that lets clients in without credentials.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a datastore server that is reachable from outside its host (a port
    /// published on all interfaces, or the host's network) while a setting in the file
    /// switches its authentication or security off:
    /// - ZooKeeper's `ALLOW_ANONYMOUS_LOGIN=yes`, etcd's `ALLOW_NONE_AUTHENTICATION=yes`
    ///   (Bitnami images);
    /// - `ALLOW_EMPTY_PASSWORD=yes`, `MYSQL_ALLOW_EMPTY_PASSWORD`,
    ///   `MARIADB_ALLOW_EMPTY_ROOT_PASSWORD`, when no password is set beside them;
    /// - PostgreSQL's `POSTGRES_HOST_AUTH_METHOD=trust`;
    /// - Elasticsearch's `xpack.security.enabled=false`, OpenSearch's
    ///   `DISABLE_SECURITY_PLUGIN=true` or `plugins.security.disabled=true`;
    /// - CockroachDB's `--insecure`;
    /// - Redis's `--protected-mode no` without `--requirepass`;
    /// - Kafka's `ALLOW_PLAINTEXT_LISTENER=yes` (Bitnami);
    /// - remote JMX on a Kafka or ZooKeeper container whose JMX port is published:
    ///   `KAFKA_JMX_PORT` (Confluent), `JMX_PORT` (Apache) or `JMXPORT` (Debezium) opens
    ///   it without authentication unless `KAFKA_JMX_OPTS` sets
    ///   `jmxremote.authenticate=true` (or Debezium's `JMXAUTH=true`). Whoever reaches
    ///   JMX can load code into the JVM, not only read metrics.
    ///
    /// ## Why is this bad
    /// Anyone who can reach the port can read, change and delete every record, and
    /// scanners find open datastores on the internet within hours. Security switches
    /// like these are meant for a laptop; published on every interface of a host they
    /// leave the data to whoever connects first.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   zookeeper:
    ///     image: bitnami/zookeeper:3.9
    ///     ports: ["2181:2181"]
    ///     environment:
    ///       ALLOW_ANONYMOUS_LOGIN: "yes"
    /// ```
    ///
    /// ## Use instead
    /// Keep authentication on, or publish the port to the loopback interface only:
    /// ```yaml
    ///     ports: ["127.0.0.1:2181:2181"]
    /// ```
    ///
    /// ## References
    /// - Designing Data-Intensive Applications, chapter 1 ("Reliability": human errors
    ///   and the systems around the data).
    /// - Each image's documentation of the variable (Bitnami, PostgreSQL, Elastic).
    pub static UNAUTHENTICATED_DATASTORE = {
        code: "unauthenticated-datastore",
        severity: Warning,
        category: Access,
        summary: "A datastore reachable from outside its host with authentication or security switched off",
        fix: None,
        scope: Component,
        check: Some(check),
    }
}

/// A setting that switches authentication off, and where it is written.
struct Switch {
    what: String,
    range: TextRange,
    /// The container port the switch opens, when it concerns one port only (JMX):
    /// that port, not any other, must be reachable from outside.
    port: Option<String>,
}

/// The state a switch's value says: `yes`/`true`/`1`/`on`, or `no`/`false`/`0`/`off`.
fn switch(value: &str) -> Option<bool> {
    match value
        .trim()
        .trim_matches(['"', '\''])
        .to_ascii_lowercase()
        .as_str()
    {
        "yes" | "true" | "1" | "on" => Some(true),
        "no" | "false" | "0" | "off" => Some(false),
        _ => None,
    }
}

fn is_on(value: &str) -> bool {
    switch(value) == Some(true)
}

fn is_off(value: &str) -> bool {
    switch(value) == Some(false)
}

/// Whether a password is set for the server (a non-empty literal or a reference).
/// Whether the container sets the MySQL or MariaDB root password (or has one made up).
fn sets_root_password(workload: &Workload) -> bool {
    [
        "MYSQL_ROOT_PASSWORD",
        "MYSQL_ROOT_PASSWORD_FILE",
        "MARIADB_ROOT_PASSWORD",
        "MARIADB_ROOT_PASSWORD_FILE",
        "MYSQL_RANDOM_ROOT_PASSWORD",
        "MARIADB_RANDOM_ROOT_PASSWORD",
    ]
    .iter()
    .any(|name| {
        workload
            .env(name)
            .and_then(|variable| variable.value.as_deref())
            .is_some_and(|value| !value.trim().is_empty())
    })
}

fn sets_a_password(workload: &Workload) -> bool {
    workload.environment.iter().any(|variable| {
        let name = variable.name.to_ascii_uppercase();
        name.contains("PASSWORD")
            && !name.starts_with("ALLOW_")
            && !name.contains("ALLOW_EMPTY")
            && variable
                .value
                .as_deref()
                .is_some_and(|v| !v.trim().is_empty())
    })
}

/// The settings of the workload that switch authentication or security off.
fn switches(workload: &Workload, text: &str) -> Vec<Switch> {
    let mut found = Vec::new();
    for variable in &workload.environment {
        let Some(written) = variable.value.as_deref() else {
            continue;
        };
        // `${POSTGRES_HOST_AUTH_METHOD:-trust}` is `trust` unless the variable is set.
        let value = crate::secrets::interpolation_default(written).unwrap_or(written);
        let range = variable.value_range.unwrap_or(variable.name_range);
        let name = variable.name.as_str();
        let upper = name.to_ascii_uppercase();
        let off = match upper.as_str() {
            "ALLOW_ANONYMOUS_LOGIN"
            | "ALLOW_NONE_AUTHENTICATION"
            | "ALLOW_PLAINTEXT_LISTENER"
            | "KAFKA_CFG_ALLOW_PLAINTEXT_LISTENER"
            | "DISABLE_SECURITY_PLUGIN" => is_on(value),
            "ALLOW_EMPTY_PASSWORD" => is_on(value) && !sets_a_password(workload),
            // The root account's password decides; `MYSQL_PASSWORD` is another user's.
            "MYSQL_ALLOW_EMPTY_PASSWORD" | "MARIADB_ALLOW_EMPTY_ROOT_PASSWORD" => {
                is_on(value) && !sets_root_password(workload)
            }
            "POSTGRES_HOST_AUTH_METHOD" => value.trim().eq_ignore_ascii_case("trust"),
            "XPACK.SECURITY.ENABLED" | "XPACK_SECURITY_ENABLED" => is_off(value),
            "PLUGINS.SECURITY.DISABLED" => is_on(value),
            _ => false,
        };
        if off {
            found.push(Switch {
                what: if value == written {
                    format!("`{name}={}`", value.trim())
                } else {
                    format!("`{name}={}`, by default", written.trim())
                },
                range,
                port: None,
            });
        }
    }
    // Flags on the command line, found in the workload's text for their place.
    let words: Vec<&str> = workload
        .command
        .iter()
        .flat_map(|word| word.split_whitespace())
        .collect();
    let flag_at = |flag: &str| {
        let body = text.get(workload.section.range.as_range())?;
        let at = body.find(flag)?;
        let start = workload.section.range.start + at;
        Some(TextRange::new(start, start + flag.len()))
    };
    let cockroach = workload
        .system_or_amended()
        .is_some_and(|s| s.id == "cockroachdb");
    if cockroach
        && words.contains(&"--insecure")
        && let Some(range) = flag_at("--insecure")
    {
        found.push(Switch {
            what: "`--insecure`".to_owned(),
            range,
            port: None,
        });
    }
    let redis = workload
        .system_or_amended()
        .is_some_and(|s| matches!(s.id, "redis" | "valkey"));
    let protected_off = words
        .windows(2)
        .any(|pair| pair[0] == "--protected-mode" && is_off(pair[1]));
    if redis
        && protected_off
        && !words.contains(&"--requirepass")
        && !sets_a_password(workload)
        && let Some(range) = flag_at("--protected-mode")
    {
        found.push(Switch {
            what: "`--protected-mode no` without `--requirepass`".to_owned(),
            range,
            port: None,
        });
    }
    found.extend(remote_jmx(workload));
    found
}

/// Remote JMX without authentication. The Kafka and ZooKeeper images (Apache's
/// scripts, Confluent's `KAFKA_JMX_PORT`, Debezium's `JMXPORT`) open JMX on the port
/// given with `authenticate=false` unless their options or `JMXAUTH` say otherwise;
/// anyone who reaches that port can run code in the broker's JVM.
fn remote_jmx(workload: &Workload) -> Option<Switch> {
    if !workload
        .system_or_amended()
        .is_some_and(|s| matches!(s.id, "kafka" | "zookeeper"))
    {
        return None;
    }
    let port = ["KAFKA_JMX_PORT", "JMX_PORT", "JMXPORT"]
        .iter()
        .find_map(|name| workload.env(name))?;
    let number = port.value.as_deref()?.trim().trim_matches(['"', '\'']);
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let options = workload.env("KAFKA_JMX_OPTS");
    let options_text = options.and_then(|o| o.value.as_deref()).unwrap_or_default();
    if options_text.contains("jmxremote.authenticate=true")
        || workload
            .env("JMXAUTH")
            .and_then(|v| v.value.as_deref())
            .is_some_and(is_on)
    {
        return None;
    }
    // Options that say `authenticate=false` are where the switch is; otherwise the
    // port setting opens JMX with the image's unauthenticated default.
    let (what, variable) = match options {
        Some(options) if options_text.contains("jmxremote.authenticate=false") => (
            "`KAFKA_JMX_OPTS` with `jmxremote.authenticate=false`".to_owned(),
            options,
        ),
        Some(_) => return None,
        None => (
            format!(
                "`{}={number}` opens remote JMX, which the image serves without authentication",
                port.name
            ),
            port,
        ),
    };
    Some(Switch {
        what,
        range: variable.value_range.unwrap_or(variable.name_range),
        port: Some(number.to_owned()),
    })
}

fn check(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    for workload in &model.workloads {
        let Some(system) = workload.system_or_amended() else {
            continue;
        };
        if workload.runs_client() {
            continue;
        }
        for switch in switches(workload, ctx.text) {
            let published = workload.ports.iter().find(|p| {
                p.on_all_interfaces()
                    && switch
                        .port
                        .as_deref()
                        .is_none_or(|port| p.target.split('/').next().unwrap_or_default() == port)
            });
            // A Kubernetes Service of type LoadBalancer or NodePort that selects its
            // pods and serves the switched-off port (or any, when the switch names none).
            let exposing = model.exposing_services.iter().find_map(|service| {
                let selects = crate::model::foreign::same_namespace(
                    workload.namespace.as_deref(),
                    service.namespace.as_deref(),
                ) && service.selector.matches(&workload.pod_labels);
                if !selects {
                    return None;
                }
                let port = service.ports.iter().find(|port| {
                    switch.port.as_deref().is_none_or(|wanted| {
                        port.port.value.to_string() == wanted
                            || port
                                .target
                                .as_ref()
                                .is_some_and(|target| target.value.to_string() == wanted)
                    })
                })?;
                Some((
                    format!(
                        "Service `{}` of type {} exposes port {} outside the cluster",
                        service.name.value, service.service_type, port.port.value
                    ),
                    port.port.range,
                ))
            });
            let reachable = match (workload.host_network, published, exposing) {
                (Some(range), _, _) => Some(("it runs on the host's network".to_owned(), range)),
                (None, Some(port), _) => Some((
                    format!(
                        "it publishes port {} on all interfaces",
                        port.published.as_deref().unwrap_or(&port.target)
                    ),
                    port.range,
                )),
                (None, None, exposing) => exposing,
            };
            let Some((how, where_reachable)) = reachable else {
                continue;
            };
            let diagnostic = ctx
                .diagnostic(
                    switch.range,
                    format!(
                        "{} `{}` runs {} with authentication or security switched off ({}) and {how}: anyone who can reach it can read and change its data",
                        workload.kind.noun(),
                        workload.name.value,
                        system.display,
                        switch.what
                    ),
                )
                .with_related(where_reachable, "reachable from outside the host here");
            ctx.report(diagnostic);
        }
    }
}
