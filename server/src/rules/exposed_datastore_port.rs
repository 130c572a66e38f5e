//! `exposed-datastore-port`: a datastore port published on every interface of the host.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a port of a datastore container published on all interfaces of the host:
    /// `"5432:5432"`, `"5432"`, or a long-syntax port without `host_ip` (or with
    /// `0.0.0.0`); and a datastore on the host's network (`network_mode: host`,
    /// `hostNetwork: true`), where every port is.
    ///
    /// ## Why is this bad
    /// Publishing a port without a host address binds it on every interface, so the
    /// database is reachable from the network the host sits on, and on a cloud VM often
    /// from the internet. Docker's published ports also bypass host firewalls such as
    /// `ufw`. Databases exposed with default or demo credentials are found by scanners
    /// within hours. Other containers of the same Compose project reach the database
    /// over the project network without any published port.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16
    ///     ports: ["5432:5432"]
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   db:
    ///     image: postgres:16
    ///     ports: ["127.0.0.1:5432:5432"]   # or no ports at all
    /// ```
    ///
    /// ## References
    /// - Docker documentation, "Published ports" and "Docker and ufw".
    pub static EXPOSED_DATASTORE_PORT = {
        code: "exposed-datastore-port",
        severity: Warning,
        category: Infrastructure,
        summary: "A datastore port published on all interfaces of the host",
        fix: Always,
        scope: Component,
        check: Some(check),
    }
}

fn check(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    for workload in &model.workloads {
        let Some(system) = workload.system else {
            continue;
        };
        if let Some(range) = workload.host_network {
            let diagnostic = ctx.diagnostic(
                range,
                format!(
                    "{} `{}` runs {} on the host's network: every port it listens on is open on all interfaces of the host",
                    workload.kind.noun(),
                    workload.name.value,
                    system.display
                ),
            );
            ctx.report(diagnostic);
        }
        for port in &workload.ports {
            if !port.on_all_interfaces() {
                continue;
            }
            let host_port = port.published.as_ref().map_or_else(
                || "a random host port".to_owned(),
                |p| format!("host port {p}"),
            );
            let diagnostic = ctx
                .diagnostic(
                    port.range,
                    format!(
                        "{} `{}` publishes {} port {} as {host_port} on all interfaces: anyone who can reach the host can reach it",
                        workload.kind.noun(),
                        workload.name.value,
                        system.display,
                        port.target,
                    ),
                )
                .with_fix(loopback_fix(port, ctx.text));
            ctx.report(diagnostic);
        }
    }
}

/// Binds the port to 127.0.0.1.
fn loopback_fix(port: &PublishedPort, text: &str) -> Option<Fix> {
    let edit = match &port.long_form {
        Some(section) => {
            if port.host_ip.is_some() {
                return None;
            }
            insert_keys_edit(section, &[("host_ip", "127.0.0.1")], text)?
        }
        None => {
            let written = text.get(port.range.as_range())?;
            let quoted = written.starts_with(['"', '\'']);
            let start = port.range.start + usize::from(quoted);
            let inner = written.trim_matches(['"', '\'']);
            if let Some(ip) = &port.host_ip {
                // `0.0.0.0:5432:5432` → `127.0.0.1:5432:5432`.
                Edit::replace(
                    crate::text::TextRange::new(start, start + ip.len()),
                    "127.0.0.1",
                )
            } else if inner.contains(':') {
                Edit::insert(start, "127.0.0.1:")
            } else {
                Edit::insert(start, "127.0.0.1::")
            }
        }
    };
    Some(Fix {
        message: "Publish on 127.0.0.1 only".to_owned(),
        applicability: Applicability::Unsafe,
        edits: vec![edit],
    })
}
