//! The dependency graph of a system: services, datastores, streams, consumers, workflows and workloads, rendered as Mermaid or Graphviz DOT.
//!
//! Nodes that are single points of failure (those with a `single-point-of-failure`
//! finding, so the rule's own logic decides) and nodes with other findings are
//! highlighted. Identifiers are sanitized and every label is escaped for its format.

use crate::diagnostic::Diagnostic;
use crate::model::{
    CallMode, Origin, ReplicationMode, SourceFormat, SystemModel, SystemRole, WorkloadKind,
};
use crate::text::TextRange;
use std::collections::HashMap;
use std::fmt::Write;

/// What a node stands for (and so its shape).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NodeKind {
    Service,
    Datastore,
    Stream,
    Consumer,
    Workflow,
    ConsensusGroup,
    /// A container that runs no known stateful system.
    Workload,
    /// A name that is depended on but not defined in the file.
    External,
}

impl NodeKind {
    fn prefix(self) -> &'static str {
        match self {
            NodeKind::Service => "svc",
            NodeKind::Datastore => "ds",
            NodeKind::Stream => "st",
            NodeKind::Consumer => "co",
            NodeKind::Workflow => "wf",
            NodeKind::ConsensusGroup => "cg",
            NodeKind::Workload => "wl",
            NodeKind::External => "ext",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    /// A sanitized identifier, unique in the graph: `[a-z]+_[A-Za-z0-9_]+`.
    pub id: String,
    pub name: String,
    pub kind: NodeKind,
    /// Second lines of the label (technology, replication, replicas).
    pub details: Vec<String>,
    /// The text of the component, where its findings are.
    pub extent: Option<TextRange>,
    /// Whether the component is a single point of failure.
    pub spof: bool,
    /// How many other findings lie inside the component.
    pub findings: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    pub label: Option<String>,
    /// Asynchronous calls and stream deliveries are drawn dashed.
    pub dashed: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Graph {
    pub title: Option<String>,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

/// The output formats of [`Graph::render`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GraphFormat {
    Mermaid,
    Dot,
}

impl Graph {
    pub fn render(&self, format: GraphFormat) -> String {
        match format {
            GraphFormat::Mermaid => self.to_mermaid(),
            GraphFormat::Dot => self.to_dot(),
        }
    }

    fn add(&mut self, name: &str, kind: NodeKind, extent: Option<TextRange>) -> usize {
        let base = format!("{}_{}", kind.prefix(), sanitize(name));
        let mut id = base.clone();
        let mut suffix = 2;
        while self.nodes.iter().any(|n| n.id == id) {
            id = format!("{base}_{suffix}");
            suffix += 1;
        }
        self.nodes.push(Node {
            id,
            name: name.to_owned(),
            kind,
            details: Vec::new(),
            extent,
            spof: false,
            findings: 0,
        });
        self.nodes.len() - 1
    }

    fn edge(&mut self, from: usize, to: usize, label: Option<String>, dashed: bool) {
        let exists = self
            .edges
            .iter()
            .any(|e| e.from == from && e.to == to && e.label == label);
        if !exists {
            self.edges.push(Edge {
                from,
                to,
                label,
                dashed,
            });
        }
    }
}

/// `orders-db` → `orders_db`; anything but ASCII letters and digits becomes `_`.
fn sanitize(name: &str) -> String {
    let id: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if id.is_empty() { "_".to_owned() } else { id }
}

/// Builds the graph of a model; `findings` (the file's, after suppressions and
/// settings) decide the highlights.
pub fn build(model: &SystemModel, findings: &[Diagnostic]) -> Graph {
    let mut graph = Graph {
        title: model.name.as_ref().map(|n| n.value.clone()),
        ..Graph::default()
    };
    let mut by_name: HashMap<String, usize> = HashMap::new();
    match model.format {
        SourceFormat::Spec => build_spec(model, &mut graph, &mut by_name),
        SourceFormat::Compose | SourceFormat::Kubernetes => {
            build_infrastructure(model, &mut graph, &mut by_name)
        }
    }
    highlight(&mut graph, findings);
    graph
}

fn extent(name: TextRange, section: TextRange) -> Option<TextRange> {
    Some(name.cover(section))
}

fn build_spec(model: &SystemModel, graph: &mut Graph, by_name: &mut HashMap<String, usize>) {
    for service in &model.services {
        let index = graph.add(
            &service.name.value,
            NodeKind::Service,
            extent(service.name.range, service.section.range),
        );
        if let Some(replicas) = &service.replicas {
            graph.nodes[index]
                .details
                .push(format!("×{}", replicas.value));
        }
        by_name.entry(service.name.value.clone()).or_insert(index);
    }
    for datastore in &model.datastores {
        let index = graph.add(
            &datastore.name.value,
            NodeKind::Datastore,
            extent(datastore.name.range, datastore.section.range),
        );
        let mut detail: Vec<String> = Vec::new();
        if let Some(technology) = &datastore.technology {
            detail.push(technology.value.clone());
        } else if let Some(model) = &datastore.model {
            detail.push(model.value.to_string());
        }
        if let Some(replication) = &datastore.replication {
            detail.push(replication_detail(replication));
        }
        detail.retain(|d| !d.is_empty());
        if !detail.is_empty() {
            graph.nodes[index].details.push(detail.join(", "));
        }
        by_name.entry(datastore.name.value.clone()).or_insert(index);
    }
    for stream in model
        .streams
        .iter()
        .filter(|s| s.origin != Origin::Infrastructure)
    {
        let index = graph.add(
            &stream.name.value,
            NodeKind::Stream,
            extent(stream.name.range, stream.section.range),
        );
        let mut detail = Vec::new();
        if let Some(partitions) = &stream.partitions {
            detail.push(format!("{} partitions", partitions.value));
        }
        if let Some(factor) = &stream.replication_factor {
            detail.push(format!("RF {}", factor.value));
        }
        if !detail.is_empty() {
            graph.nodes[index].details.push(detail.join(", "));
        }
        by_name.entry(stream.name.value.clone()).or_insert(index);
    }
    for group in model
        .consensus_groups
        .iter()
        .filter(|g| g.origin != Origin::Infrastructure)
    {
        let index = graph.add(
            &group.name.value,
            NodeKind::ConsensusGroup,
            extent(group.name.range, group.section.range),
        );
        let mut detail = Vec::new();
        if let Some(algorithm) = &group.algorithm {
            detail.push(algorithm.value.to_string());
        }
        if let Some(nodes) = &group.nodes {
            detail.push(format!("{} nodes", nodes.value));
        }
        if !detail.is_empty() {
            graph.nodes[index].details.push(detail.join(", "));
        }
    }
    for workflow in &model.workflows {
        let index = graph.add(
            &workflow.name.value,
            NodeKind::Workflow,
            extent(workflow.name.range, workflow.section.range),
        );
        if let Some(pattern) = &workflow.pattern {
            graph.nodes[index].details.push(pattern.value.to_string());
        }
        for (number, step) in workflow.steps.iter().enumerate() {
            let Some(service) = &step.service else {
                continue;
            };
            let target = target(graph, by_name, &service.value);
            let label = match &step.name {
                Some(name) => format!("{}: {}", number + 1, name.value),
                None => format!("step {}", number + 1),
            };
            graph.edge(index, target, Some(label), false);
        }
    }
    // Dependencies come after every definition, so that names resolve.
    for service in &model.services {
        let Some(&from) = by_name.get(&service.name.value) else {
            continue;
        };
        for dependency in &service.dependencies {
            let to = target(graph, by_name, &dependency.target.value);
            let asynchronous = dependency.mode.as_ref().map(|m| m.value) == Some(CallMode::Async);
            graph.edge(
                from,
                to,
                asynchronous.then(|| "async".to_owned()),
                asynchronous,
            );
        }
    }
    for stream in model
        .streams
        .iter()
        .filter(|s| s.origin != Origin::Infrastructure)
    {
        let Some(&from) = by_name.get(&stream.name.value) else {
            continue;
        };
        for consumer in &stream.consumers {
            let to = match by_name.get(&consumer.name.value) {
                Some(&index) if graph.nodes[index].kind == NodeKind::Service => index,
                _ => graph.add(
                    &consumer.name.value,
                    NodeKind::Consumer,
                    extent(consumer.name.range, consumer.section.range),
                ),
            };
            graph.edge(from, to, None, true);
        }
    }
}

/// The node called `name`, or a new external node for a name nothing defines.
fn target(graph: &mut Graph, by_name: &mut HashMap<String, usize>, name: &str) -> usize {
    if let Some(&index) = by_name.get(name) {
        return index;
    }
    let index = graph.add(name, NodeKind::External, None);
    graph.nodes[index]
        .details
        .push("not defined here".to_owned());
    by_name.insert(name.to_owned(), index);
    index
}

/// `leaderless N=3 W=2 R=2`, `single-leader ×3`.
fn replication_detail(replication: &crate::model::Replication) -> String {
    let mode = replication.mode.as_ref().map(|m| m.value);
    let mut words = mode.map(|m| m.to_string()).unwrap_or_default();
    let n = replication.replicas.as_ref().map(|r| r.value);
    if mode == Some(ReplicationMode::Leaderless) || replication.write_quorum.is_some() {
        let count = |v: &Option<crate::model::Spanned<i64>>| {
            v.as_ref()
                .map_or_else(|| "?".to_owned(), |v| v.value.to_string())
        };
        let quorums = format!(
            "N={} W={} R={}",
            count(&replication.replicas),
            count(&replication.write_quorum),
            count(&replication.read_quorum)
        );
        if words.is_empty() {
            return quorums;
        }
        return format!("{words} {quorums}");
    }
    if let Some(n) = n {
        if words.is_empty() {
            words = format!("×{n}");
        } else {
            words = format!("{words} ×{n}");
        }
    }
    words
}

fn build_infrastructure(
    model: &SystemModel,
    graph: &mut Graph,
    by_name: &mut HashMap<String, usize>,
) {
    for workload in &model.workloads {
        let fragment = model
            .datastores
            .iter()
            .find(|d| d.origin == Origin::Fragment && d.name.value == workload.name.value);
        let kind = match workload.system.map(|s| s.role) {
            _ if fragment.is_some() => NodeKind::Datastore,
            Some(SystemRole::Broker) => NodeKind::Stream,
            Some(SystemRole::Coordinator) => NodeKind::ConsensusGroup,
            Some(_) => NodeKind::Datastore,
            None => NodeKind::Workload,
        };
        let index = graph.add(
            &workload.name.value,
            kind,
            extent(workload.name.range, workload.section.range),
        );
        let mut detail = Vec::new();
        if let Some(image) = &workload.image {
            detail.push(image.value.name.clone());
        } else if workload.built_locally {
            detail.push("built here".to_owned());
        }
        if workload.kind != WorkloadKind::ComposeService {
            detail.push(workload.kind.noun().to_owned());
        }
        if let Some(replicas) = &workload.replicas {
            detail.push(format!("×{}", replicas.value));
        }
        if let Some(replication) = fragment.and_then(|d| d.replication.as_ref()) {
            let words = replication_detail(replication);
            if !words.is_empty() {
                detail.push(words);
            }
        }
        if !detail.is_empty() {
            graph.nodes[index].details.push(detail.join(", "));
        }
        by_name.entry(workload.name.value.clone()).or_insert(index);
    }
    // Operator-managed clusters (CloudNativePG, Zalando) are datastores of their own.
    for datastore in model
        .datastores
        .iter()
        .filter(|d| d.origin == Origin::Infrastructure)
    {
        let index = graph.add(
            &datastore.name.value,
            NodeKind::Datastore,
            extent(datastore.name.range, datastore.section.range),
        );
        if let Some(replication) = &datastore.replication {
            let words = replication_detail(replication);
            if !words.is_empty() {
                graph.nodes[index].details.push(words);
            }
        }
    }
    for workload in &model.workloads {
        let Some(&from) = by_name.get(&workload.name.value) else {
            continue;
        };
        for dependency in &workload.depends_on {
            let to = target(graph, by_name, &dependency.target.value);
            let label = dependency.condition.as_ref().map(|c| {
                c.value
                    .strip_prefix("service_")
                    .unwrap_or(&c.value)
                    .replace('_', " ")
            });
            graph.edge(from, to, label, false);
        }
    }
}

/// Marks single points of failure and counts the other findings of each node: a
/// finding belongs to the smallest node whose text contains it.
fn highlight(graph: &mut Graph, findings: &[Diagnostic]) {
    for finding in findings {
        let owner = graph
            .nodes
            .iter()
            .enumerate()
            .filter_map(|(index, node)| Some((index, node.extent?)))
            .filter(|(_, extent)| {
                extent.start <= finding.range.start && finding.range.end <= extent.end
            })
            .min_by_key(|(_, extent)| extent.len())
            .map(|(index, _)| index);
        let Some(owner) = owner else {
            continue;
        };
        if finding.code == "single-point-of-failure" {
            graph.nodes[owner].spof = true;
        } else {
            graph.nodes[owner].findings += 1;
        }
    }
}

/// The label lines of a node: its name, details and highlights.
fn label_lines(node: &Node) -> Vec<String> {
    let mut lines = vec![node.name.clone()];
    lines.extend(node.details.iter().cloned());
    if node.spof {
        lines.push("single point of failure".to_owned());
    }
    if node.findings > 0 {
        lines.push(crate::arithmetic::plural(
            node.findings as i64,
            "finding",
            "findings",
        ));
    }
    lines
}

/// Escapes text for a quoted Mermaid label or an edge label: the characters Mermaid
/// would read as syntax become `#code;` entities.
fn escape_mermaid(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' | '#' | '<' | '>' | '&' | '|' | '`' | '[' | ']' | '(' | ')' | '{' | '}' | ';' => {
                let _ = write!(out, "#{};", u32::from(c));
            }
            '\n' | '\r' | '\t' => out.push(' '),
            // Escape sequences and bidi overrides, visible instead.
            c if crate::text::is_unprintable(c) => {
                out.push_str(&crate::text::printable(c.encode_utf8(&mut [0; 4])));
            }
            _ => out.push(c),
        }
    }
    out
}

/// Escapes text for a double-quoted DOT string (and keeps it on one line).
fn escape_dot(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' | '\r' | '\t' => out.push(' '),
            // Escape sequences and bidi overrides, visible instead.
            c if crate::text::is_unprintable(c) => {
                out.push_str(&crate::text::printable(c.encode_utf8(&mut [0; 4])));
            }
            _ => out.push(c),
        }
    }
    out
}

/// One line for a comment: no line breaks.
fn one_line(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}

impl Graph {
    /// The graph as a Mermaid flowchart.
    pub fn to_mermaid(&self) -> String {
        let mut out = String::from("flowchart LR\n");
        if let Some(title) = &self.title {
            let _ = writeln!(out, "  %% system: {}", one_line(title));
        }
        for node in &self.nodes {
            let label = label_lines(node)
                .iter()
                .map(|line| escape_mermaid(line))
                .collect::<Vec<_>>()
                .join("<br>");
            let (open, close) = match node.kind {
                NodeKind::Service | NodeKind::Workload => ("[", "]"),
                NodeKind::Datastore => ("[(", ")]"),
                NodeKind::Stream => ("[/", "/]"),
                NodeKind::Consumer => ("([", "])"),
                NodeKind::Workflow => ("{{", "}}"),
                NodeKind::ConsensusGroup => ("[[", "]]"),
                NodeKind::External => ("[", "]"),
            };
            let _ = writeln!(out, "  {}{open}\"{label}\"{close}", node.id);
        }
        for edge in &self.edges {
            let (Some(from), Some(to)) = (self.nodes.get(edge.from), self.nodes.get(edge.to))
            else {
                continue;
            };
            let arrow = if edge.dashed { "-.->" } else { "-->" };
            match &edge.label {
                Some(label) => {
                    let _ = writeln!(
                        out,
                        "  {} {arrow}|{}| {}",
                        from.id,
                        escape_mermaid(label),
                        to.id
                    );
                }
                None => {
                    let _ = writeln!(out, "  {} {arrow} {}", from.id, to.id);
                }
            }
        }
        let spof: Vec<&str> = self
            .nodes
            .iter()
            .filter(|n| n.spof)
            .map(|n| n.id.as_str())
            .collect();
        let findings: Vec<&str> = self
            .nodes
            .iter()
            .filter(|n| !n.spof && n.findings > 0)
            .map(|n| n.id.as_str())
            .collect();
        let external: Vec<&str> = self
            .nodes
            .iter()
            .filter(|n| n.kind == NodeKind::External && !n.spof && n.findings == 0)
            .map(|n| n.id.as_str())
            .collect();
        out.push_str("  classDef spof fill:#fde2e2,stroke:#c0392b,stroke-width:3px\n");
        out.push_str("  classDef finding fill:#fff4d6,stroke:#d68910,stroke-width:2px\n");
        out.push_str("  classDef external stroke-dasharray:4 3\n");
        for (class, ids) in [
            ("spof", &spof),
            ("finding", &findings),
            ("external", &external),
        ] {
            if !ids.is_empty() {
                let _ = writeln!(out, "  class {} {class}", ids.join(","));
            }
        }
        out
    }

    /// The graph in Graphviz DOT.
    pub fn to_dot(&self) -> String {
        let name = self.title.as_deref().unwrap_or("system");
        let mut out = format!("digraph \"{}\" {{\n", escape_dot(name));
        out.push_str("  rankdir=LR;\n");
        out.push_str("  node [fontname=\"Helvetica\", shape=box];\n");
        out.push_str("  edge [fontname=\"Helvetica\", fontsize=10];\n");
        for node in &self.nodes {
            let label = label_lines(node)
                .iter()
                .map(|line| escape_dot(line))
                .collect::<Vec<_>>()
                .join("\\n");
            let shape = match node.kind {
                NodeKind::Service | NodeKind::Workload | NodeKind::External => "box",
                NodeKind::Datastore => "cylinder",
                NodeKind::Stream => "parallelogram",
                NodeKind::Consumer => "ellipse",
                NodeKind::Workflow => "hexagon",
                NodeKind::ConsensusGroup => "box3d",
            };
            let mut attributes = vec![format!("label=\"{label}\""), format!("shape={shape}")];
            if node.spof {
                attributes.extend([
                    "color=red".to_owned(),
                    "penwidth=3".to_owned(),
                    "style=filled".to_owned(),
                    "fillcolor=\"#fde2e2\"".to_owned(),
                ]);
            } else if node.findings > 0 {
                attributes.extend([
                    "color=orange".to_owned(),
                    "penwidth=2".to_owned(),
                    "style=filled".to_owned(),
                    "fillcolor=\"#fff4d6\"".to_owned(),
                ]);
            } else if node.kind == NodeKind::External {
                attributes.push("style=dashed".to_owned());
            }
            let _ = writeln!(out, "  \"{}\" [{}];", node.id, attributes.join(", "));
        }
        for edge in &self.edges {
            let (Some(from), Some(to)) = (self.nodes.get(edge.from), self.nodes.get(edge.to))
            else {
                continue;
            };
            let mut attributes = Vec::new();
            if let Some(label) = &edge.label {
                attributes.push(format!("label=\"{}\"", escape_dot(label)));
            }
            if edge.dashed {
                attributes.push("style=dashed".to_owned());
            }
            if attributes.is_empty() {
                let _ = writeln!(out, "  \"{}\" -> \"{}\";", from.id, to.id);
            } else {
                let _ = writeln!(
                    out,
                    "  \"{}\" -> \"{}\" [{}];",
                    from.id,
                    to.id,
                    attributes.join(", ")
                );
            }
        }
        out.push_str("}\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_sanitized_and_unique() {
        let mut graph = Graph::default();
        let a = graph.add("a-b", NodeKind::Service, None);
        let b = graph.add("a_b", NodeKind::Service, None);
        let c = graph.add("日本", NodeKind::Datastore, None);
        let d = graph.add("", NodeKind::Stream, None);
        assert_eq!(graph.nodes[a].id, "svc_a_b");
        assert_eq!(graph.nodes[b].id, "svc_a_b_2");
        assert_eq!(graph.nodes[c].id, "ds___");
        assert_eq!(graph.nodes[d].id, "st__");
    }

    #[test]
    fn labels_are_escaped_for_each_format() {
        assert_eq!(
            escape_mermaid("a \"b\" <c> #d|e"),
            "a #34;b#34; #60;c#62; #35;d#124;e"
        );
        assert_eq!(escape_dot("a \"b\" \\c\nd"), "a \\\"b\\\" \\\\c d");
    }
}
