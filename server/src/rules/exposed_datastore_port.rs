//! `exposed-datastore-port`: a datastore port published on every interface of the host.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports a port of a datastore container published on all interfaces of the host:
    /// `"5432:5432"`, `"5432"`, or a long-syntax port without `host_ip` (or with
    /// `0.0.0.0`); a datastore on the host's network (`network_mode: host`,
    /// `hostNetwork: true`), where every port is; a Kubernetes `hostPort`; and a
    /// Kubernetes Service of type LoadBalancer or NodePort that forwards a datastore's
    /// port (of the pods it selects in the file, or a well-known datastore port when
    /// they are elsewhere; when it forwards to no well-known port of the pods it
    /// selects, a port their datastore container declares, such as a second Kafka
    /// listener, unless the port is named for a console or metrics).
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

/// The datastore whose port a Service port forwards to: a datastore among the pods its
/// selector matches in the file, or, when it matches none here, the system whose
/// well-known port it is (the pods may be in another file or run by an operator).
fn exposed_system(
    model: &SystemModel,
    service: &ExposingService,
    number: i64,
    declared_too: bool,
) -> Option<&'static crate::model::catalog::StatefulSystem> {
    let namespace = service.namespace.as_deref();
    let serves = |system: &crate::model::catalog::StatefulSystem| {
        system.ports.iter().any(|&port| i64::from(port) == number)
    };
    // The pods it selects in this file: a datastore whose well-known port this is, or
    // whose container declares it (a second listener, a custom port).
    let here: Vec<&crate::model::Workload> = model
        .workloads
        .iter()
        .filter(|w| {
            crate::model::foreign::same_namespace(w.namespace.as_deref(), namespace)
                && service.selector.matches(&w.pod_labels)
        })
        .collect();
    let mut matched = !here.is_empty();
    if let Some(system) = here.iter().find_map(|w| {
        let system = w.system?;
        // A client started from the image (a console consumer) declares its own ports.
        let declared = declared_too
            && !w.runs_client()
            && w.container_ports
                .iter()
                .any(|&port| i64::from(port) == number);
        (serves(system) || declared).then_some(system)
    }) {
        return Some(system);
    }
    // And those of the other files of its project.
    if let Some(project) = &model.project {
        let there: Vec<Option<&'static crate::model::catalog::StatefulSystem>> = project
            .workloads
            .iter()
            .filter(|w| w.selected_by(&service.selector, namespace))
            .map(|w| w.system)
            .collect();
        matched |= !there.is_empty();
        if let Some(system) = there
            .iter()
            .flatten()
            .copied()
            .find(|system| serves(system))
        {
            return Some(system);
        }
    }
    if matched {
        return None;
    }
    // 9000 is too common a port (PHP-FPM, SonarQube, MinIO, ClickHouse) to tell.
    (number != 9000)
        .then(|| {
            crate::model::catalog::SYSTEMS
                .iter()
                .find(|system| serves(system))
        })
        .flatten()
}

fn check(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    for service in &model.exposing_services {
        // The Service's own port, else the pods' port it forwards to: a well-known
        // port of the datastore, or, when the Service forwards to none, a port its
        // container declares (a second listener). One finding per datastore port; its
        // admin ports beside it are not more findings.
        let found = |port: &crate::model::ServicePort, declared_too: bool| {
            exposed_system(model, service, port.port.value, declared_too)
                .map(|system| (system, port.port.range, port.port.value))
                .or_else(|| {
                    let target = port.target.as_ref()?;
                    exposed_system(model, service, target.value, declared_too)
                        .map(|system| (system, target.range, target.value))
                })
        };
        let well_known = service
            .ports
            .iter()
            .any(|port| found(port, false).is_some());
        for port in &service.ports {
            // A console or metrics port is not the datastore's own unless it is its
            // well-known port.
            let found = found(port, !well_known && !port.named_for_a_console());
            let Some((system, range, number)) = found else {
                continue;
            };
            let diagnostic = ctx.diagnostic(
                range,
                format!(
                    "Service `{}` of type {} exposes {} port {number} outside the cluster: anyone who can reach {} can reach it",
                    service.name.value,
                    service.service_type,
                    system.display,
                    if service.service_type == "NodePort" {
                        "a node"
                    } else {
                        "the load balancer"
                    }
                ),
            );
            ctx.report(diagnostic);
        }
    }
    for workload in &model.workloads {
        // Ports an override file publishes for a datastore the base file defines count.
        let Some(system) = workload.system_or_amended() else {
            continue;
        };
        // A proxy, a client or a job started from the datastore's image (`command:
        // haproxy` in a Patroni image) publishes its own ports, not the datastore's.
        if workload.runs_client() {
            continue;
        }
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
