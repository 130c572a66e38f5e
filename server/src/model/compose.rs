//! Reads a Docker Compose file into the system model: its services become workloads,
//! Kafka settings become streams, ZooKeeper/etcd/Consul/KRaft ensembles become consensus
//! groups, and `x-ddia` fragments become datastores.
//!
//! Compose validation itself belongs to yaml-language-server: a value ddia cannot read
//! is skipped without a finding (only `x-ddia` fragments are checked against the spec
//! vocabulary).

use super::catalog::{self, ImageRef, SystemRole};
use super::spec::Reader;
use super::*;
use crate::syntax::{NodeId, NodeKind, ScalarValue, YamlDocument};
use crate::text::TextRange;

/// How deep `extends` chains are followed.
const MAX_EXTENDS: usize = 8;

/// Builds the model of a Compose file.
/// `read_env_file` reads a service's `env_file` (a path as written); it may read
/// nothing, and then only the variables written in the file are known.
pub fn from_compose(
    doc: &YamlDocument,
    text: &str,
    read_env_file: &dyn Fn(&str) -> Option<String>,
) -> SystemModel {
    from_compose_reusing(doc, text, read_env_file, None)
}

/// Builds the model of a Compose file after one edit, keeping what each service
/// contributed to `previous` (the model of the text before `edit`) where the edit
/// cannot have changed it: services whose lines the edit does not touch, that do
/// not `extends` another, read no `env_file` and, when the edit is inside an anchor
/// that aliases use, use no alias. Their parts are moved by the edit instead of
/// rebuilt. The result equals [`from_compose`] of the new text.
pub fn from_compose_reusing(
    doc: &YamlDocument,
    text: &str,
    read_env_file: &dyn Fn(&str) -> Option<String>,
    previous: Option<(SystemModel, TextEdit)>,
) -> SystemModel {
    let mut model = SystemModel::new(SourceFormat::Compose, doc.range);
    let mut reader = Reader {
        doc,
        text,
        problems: Vec::new(),
    };
    let Some(root) = doc.root else {
        return model;
    };
    if let Some(entry) = doc.get_entry(root, "services") {
        model.top = doc.range(entry.key);
    }
    if let Some(entry) = doc.get_entry(root, "volumes") {
        let value = (!doc.is_null(entry.value)).then_some(entry.value);
        model.volumes = Some(reader.section_info(entry.key, value));
        if doc.is_mapping(entry.value) {
            model.memory_volumes = doc
                .entries(entry.value)
                .iter()
                .filter(|volume| {
                    doc.get_path(volume.value, &["driver_opts", "type"])
                        .and_then(|kind| doc.str(kind))
                        .is_some_and(|kind| kind == "tmpfs")
                })
                .filter_map(|volume| doc.key_text(volume.key).map(str::to_owned))
                .collect();
        }
    }
    let Some(services) = doc.get(root, "services") else {
        return model;
    };
    let compose = Compose {
        doc,
        services,
        read_env_file,
    };
    let entries: Vec<(&str, crate::syntax::Entry)> = doc
        .entries(services)
        .iter()
        .filter_map(|entry| {
            let name = doc.key_text(entry.key)?;
            (!name.starts_with("x-") && doc.is_mapping(entry.value)).then_some((name, *entry))
        })
        .collect();
    let mut kept = previous
        .and_then(|(previous, edit)| {
            let parts = ServicePart::split(previous)?;
            (parts.len() == entries.len()).then_some((parts, edit))
        })
        .map(|(parts, edit)| {
            // `doc` is the new text: the edit's new bytes are `start..start + new_len`.
            let in_shared_anchor = doc.shared_anchors().iter().any(|(anchor, _, _)| {
                anchor.start <= edit.start && edit.start + edit.new_len <= anchor.end
            });
            (parts, edit, in_shared_anchor)
        });
    let mut reused = 0;
    // With a previous model, its list of workloads becomes this one (one per service,
    // in order): kept workloads are moved by the edit where they are, the others
    // replaced.
    if let Some((parts, _, _)) = &mut kept {
        model.workloads = std::mem::take(&mut parts.workloads);
    }
    for (at, (name, entry)) in entries.into_iter().enumerate() {
        let range = doc.range(entry.key).cover(doc.range(entry.value));
        if let Some((parts, edit, in_shared_anchor)) = &mut kept
            && let Some(mut part) = parts.next()
        {
            let holds_edit = super::shift::touches_lines(text, part.index.range, *edit);
            let reusable = part.index.self_contained
                && !holds_edit
                && !(part.index.uses_alias && *in_shared_anchor)
                && edit.move_range(part.index.range) == range;
            if reusable {
                // A service that ends before the edit stays put: so do the anchors it
                // uses, which YAML defines before their aliases.
                let moves = part.index.range.end >= edit.start;
                if moves {
                    part.shift(edit);
                }
                part.index.range = range;
                model.compose_parts.push(part.index);
                model.kept_parts.0.push(true);
                reader.problems.extend(part.problems);
                model.datastores.extend(part.datastore);
                model.streams.extend(part.streams);
                if let Some(workload) = model.workloads.get_mut(at)
                    && moves
                {
                    workload.shift(edit);
                }
                reused += 1;
                continue;
            }
        }
        let problems_before = reader.problems.len();
        let streams_before = model.streams.len();
        let name = Spanned::new(name.to_owned(), doc.range(entry.key), doc.range(entry.key));
        let workload = compose.workload(&mut reader, name.clone(), entry.key, entry.value);
        // A service may state its design under `x-ddia`.
        let mut datastore = false;
        if let Some(fragment) = doc.get_entry(entry.value, "x-ddia")
            && let Some(found) =
                reader.datastore(name.clone(), fragment.key, fragment.value, Origin::Fragment)
        {
            model.datastores.push(found);
            datastore = true;
        }
        kafka_streams(&workload, text, &mut model);
        model.compose_parts.push(ComposePartIndex {
            range,
            datastore,
            streams: model.streams.len() - streams_before,
            problems: reader.problems.len() - problems_before,
            self_contained: doc.get(entry.value, "extends").is_none()
                && doc.get(entry.value, "env_file").is_none(),
            uses_alias: doc.has_aliases() && uses_alias(doc, entry.value),
            kafka_by_settings: workload.system.is_none() && is_kafka_node(&workload),
        });
        model.kept_parts.0.push(false);
        match model.workloads.get_mut(at) {
            Some(slot) if kept.is_some() => *slot = workload,
            _ => model.workloads.push(workload),
        }
    }
    mark_jobs(&mut model.workloads);
    ensembles(&mut model);
    model.problems = reader.problems;
    // Debug builds (tests, fuzzing) check every reuse against a fresh build.
    if cfg!(debug_assertions) && reused > 0 {
        debug_assert_eq!(
            model,
            from_compose(doc, text, read_env_file),
            "the reused Compose model differs from a fresh one"
        );
    }
    model
}

/// What one service contributed to a Compose model, taken out of the model to be kept.
#[derive(Shift)]
struct ServicePart {
    index: ComposePartIndex,
    datastore: Option<Datastore>,
    streams: Vec<Stream>,
    problems: Vec<ModelProblem>,
}

impl ServicePart {
    /// Splits a Compose model into the parts of its services, handed out in order;
    /// `None` when the model does not add up (not a Compose model, or one built
    /// otherwise).
    fn split(model: SystemModel) -> Option<OldServices> {
        let parts = &model.compose_parts;
        let counts_match = model.format == SourceFormat::Compose
            && parts.len() == model.workloads.len()
            && parts.iter().filter(|p| p.datastore).count() == model.datastores.len()
            && parts.iter().map(|p| p.streams).sum::<usize>() == model.streams.len()
            && parts.iter().map(|p| p.problems).sum::<usize>() == model.problems.len();
        if !counts_match {
            return None;
        }
        let SystemModel {
            workloads,
            datastores,
            streams,
            problems,
            compose_parts,
            ..
        } = model;
        Some(OldServices {
            parts: compose_parts.into_iter(),
            workloads,
            datastores: datastores.into_iter(),
            streams: streams.into_iter(),
            problems: problems.into_iter(),
        })
    }
}

/// The parts of a previous Compose model, taken apart one service at a time (without
/// copying them into a list of their own first).
struct OldServices {
    parts: std::vec::IntoIter<ComposePartIndex>,
    /// Taken whole, to become the new model's list.
    workloads: Vec<Workload>,
    datastores: std::vec::IntoIter<Datastore>,
    streams: std::vec::IntoIter<Stream>,
    problems: std::vec::IntoIter<ModelProblem>,
}

impl OldServices {
    fn len(&self) -> usize {
        self.parts.len()
    }
}

impl Iterator for OldServices {
    type Item = ServicePart;

    fn next(&mut self) -> Option<ServicePart> {
        let index = self.parts.next()?;
        Some(ServicePart {
            datastore: if index.datastore {
                self.datastores.next()
            } else {
                None
            },
            streams: self.streams.by_ref().take(index.streams).collect(),
            problems: self.problems.by_ref().take(index.problems).collect(),
            index,
        })
    }
}

/// Whether a node, or anything under it, is an alias or was merged in (`<<: *anchor`).
pub(crate) fn uses_alias(doc: &YamlDocument, node: NodeId) -> bool {
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        match &doc.node(node).kind {
            NodeKind::Alias { .. } => return true,
            NodeKind::Mapping(entries) => {
                for entry in entries {
                    if entry.merged_from.is_some() {
                        return true;
                    }
                    stack.push(entry.key);
                    stack.push(entry.value);
                }
            }
            NodeKind::Sequence(items) => stack.extend(items.iter().copied()),
            _ => {}
        }
    }
    false
}

struct Compose<'a> {
    doc: &'a YamlDocument,
    services: NodeId,
    read_env_file: &'a dyn Fn(&str) -> Option<String>,
}

impl Compose<'_> {
    /// The service and the services it extends (within the file), nearest first.
    fn chain(&self, service: NodeId) -> Vec<NodeId> {
        let doc = self.doc;
        let mut chain = vec![service];
        let mut current = service;
        for _ in 0..MAX_EXTENDS {
            let Some(extends) = doc.get(current, "extends") else {
                break;
            };
            if doc.get(extends, "file").is_some() {
                break;
            }
            let Some(base) = doc
                .str(extends)
                .or_else(|| doc.get(extends, "service").and_then(|s| doc.str(s)))
                .and_then(|base| doc.get(self.services, base))
            else {
                break;
            };
            if chain.contains(&base) {
                break;
            }
            chain.push(base);
            current = base;
        }
        chain
    }

    /// The value of `key` in a service, following `extends` within the file: `chain`
    /// is the service and the ones it extends, from [`Compose::chain`].
    fn lookup(&self, chain: &[NodeId], key: &str) -> Option<(NodeId, NodeId)> {
        chain
            .iter()
            .find_map(|&member| self.doc.get_entry(member, key))
            .map(|entry| (entry.key, entry.value))
    }

    fn string(&self, chain: &[NodeId], key: &str) -> Option<Spanned<String>> {
        let (key_id, value) = self.lookup(chain, key)?;
        let text = self.doc.str(value)?;
        Some(Spanned::new(
            text.to_owned(),
            self.doc.range(value),
            self.doc.range(key_id),
        ))
    }

    fn workload(
        &self,
        reader: &mut Reader<'_>,
        name: Spanned<String>,
        key: NodeId,
        service: NodeId,
    ) -> Workload {
        let doc = self.doc;
        let chain = self.chain(service);
        let image = self
            .string(&chain, "image")
            .map(|image| Spanned::new(ImageRef::parse(&image.value), image.range, image.key_range));
        let replicas = self
            .lookup(&chain, "deploy")
            .and_then(|(_, deploy)| {
                let entry = doc.get_entry(deploy, "replicas")?;
                Some((entry.key, entry.value))
            })
            .or_else(|| self.lookup(&chain, "scale"))
            .and_then(|(key, value)| match doc.scalar(value).map(|s| &s.value) {
                Some(ScalarValue::Int(n)) => {
                    Some(Spanned::new(*n, doc.range(value), doc.range(key)))
                }
                _ => None,
            });
        let volumes = self.lookup(&chain, "volumes");
        // `extends` merges lists: the service's own entries win by target.
        let mut mounts: Vec<Mount> = Vec::new();
        for &member in &chain {
            if let Some(list) = doc.get(member, "volumes") {
                for mount in self.mounts(list) {
                    if !mounts.iter().any(|m| m.target == mount.target) {
                        mounts.push(mount);
                    }
                }
            }
        }
        // A `volumes` key is a section even when it cannot take an item (a scalar, an
        // empty flow list): a fix must not add a second `volumes` key beside it.
        let volumes_section = volumes.map(|(key, list)| Section {
            key: doc.range(key),
            range: doc.range(list),
            insertion: if doc.is_sequence(list) {
                list_insertion(doc, reader.text, list)
            } else if doc.is_null(list) {
                empty_value_insertion(doc, reader.text, key)
            } else {
                None
            },
        });
        let ports: Vec<PublishedPort> = chain
            .iter()
            .filter_map(|&member| doc.get(member, "ports"))
            .flat_map(|list| self.ports(reader, list))
            .collect();
        // The first definition of a name wins: the service's own over the ones it
        // extends, and `environment` over `env_file`, as in Compose.
        let mut environment: Vec<EnvVar> = Vec::new();
        let mut defined: std::collections::HashSet<String> = std::collections::HashSet::new();
        let mut add = |variable: EnvVar| {
            if defined.insert(variable.name.clone()) {
                environment.push(variable);
            }
        };
        for (index, &member) in chain.iter().enumerate() {
            if let Some(env) = doc.get(member, "environment") {
                self.environment(env)
                    .into_iter()
                    // Written in a service this one `extends`: that service has it too.
                    .map(|variable| EnvVar {
                        inherited: index > 0,
                        ..variable
                    })
                    .for_each(&mut add);
            }
        }
        for &member in &chain {
            if let Some(files) = doc.get(member, "env_file") {
                self.env_file_variables(files)
                    .into_iter()
                    .for_each(&mut add);
            }
        }
        let mut command = Vec::new();
        for part in ["entrypoint", "command"] {
            if let Some((_, value)) = self.lookup(&chain, part) {
                command.extend(words(doc, value));
            }
        }
        let healthcheck = self.lookup(&chain, "healthcheck").and_then(|(key, check)| {
            let disabled = doc
                .get(check, "disable")
                .and_then(|d| doc.scalar(d))
                .is_some_and(|s| s.value == ScalarValue::Bool(true));
            let test_none = doc
                .get(check, "test")
                .map(|t| words(doc, t))
                .is_some_and(|t| t.first().is_some_and(|w| w == "NONE"));
            (!disabled && !test_none).then(|| doc.range(key))
        });
        let depends_on = self
            .lookup(&chain, "depends_on")
            .map_or_else(Vec::new, |(_, deps)| self.dependencies(reader, deps));
        let host_network = self
            .lookup(&chain, "network_mode")
            .filter(|(_, mode)| doc.str(*mode) == Some("host"))
            .map(|(_, mode)| doc.range(mode));
        let built_locally = self.lookup(&chain, "build").is_some();
        // A container that is not restarted and runs a command of its own rather
        // than a server is a one-off job (a setup or migration script).
        let runs_once = self
            .lookup(&chain, "restart")
            .and_then(|(_, policy)| doc.scalar(policy))
            .is_some_and(|policy| match policy.value {
                ScalarValue::Bool(false) => true,
                ScalarValue::String => {
                    let text = policy.text.trim();
                    matches!(text, "no" | "on-failure") || text.starts_with("on-failure:")
                }
                _ => false,
            });
        let client_command = Workload::command_runs_client(&command, false)
            || (runs_once && Workload::command_runs_a_program(&command));
        let has_variable = |name: &str| environment.iter().any(|variable| variable.name == name);
        let health_check: Vec<String> = self
            .lookup(&chain, "healthcheck")
            .and_then(|(_, check)| doc.get(check, "test"))
            .map(|test| words(doc, test))
            .unwrap_or_default();
        let mount_targets: Vec<&str> = mounts.iter().map(|m| m.target.as_str()).collect();
        let served: Vec<u16> = ports
            .iter()
            .filter_map(|p| p.target.split(['/', '-']).next()?.parse().ok())
            .collect();
        // A build context named after a system (`build: ./mongo`) builds that system's
        // image, when nothing else says what runs.
        let build_context = self.lookup(&chain, "build").and_then(|(_, build)| {
            let context = doc
                .str(build)
                .or_else(|| doc.get(build, "context").and_then(|c| doc.str(c)))?;
            let folder = context.trim_end_matches('/').rsplit('/').next()?;
            ImageRef::parse(folder).system()
        });
        let system = catalog::recognise(
            image.as_ref().map(|i| &i.value),
            &command,
            &health_check,
            &has_variable,
            (&mount_targets, &served),
        )
        .or(build_context);
        Workload {
            section: reader.section_info(key, Some(service)),
            name,
            kind: WorkloadKind::ComposeService,
            namespace: None,
            image,
            system,
            replicas,
            mounts,
            volumes: volumes_section,
            ports,
            environment,
            sidecar_environment: Vec::new(),
            container_ports: Vec::new(),
            command,
            healthcheck,
            depends_on,
            pod_labels: Vec::new(),
            spread: None,
            claim_templates: None,
            host_network,
            built_locally,
            job: false,
            container: None,
            client_command,
            overlay: Overlay::default(),
        }
    }

    fn mounts(&self, list: NodeId) -> Vec<Mount> {
        let doc = self.doc;
        let mut mounts = Vec::new();
        for &item in doc.items(list) {
            let range = doc.range(item);
            if let Some(text) = doc.str(item) {
                // `source:target[:mode]` or `target`; `${VAR:-default}` keeps its colon.
                let parts = split_outside_braces(text, ':');
                let (source, target) = match parts.as_slice() {
                    [target] => (None, *target),
                    [source, target, ..] => (Some(*source), *target),
                    [] => continue,
                };
                mounts.push(Mount {
                    source: source.map_or(MountSource::Anonymous, classify_source),
                    target: target.to_owned(),
                    range,
                });
            } else if doc.is_mapping(item) {
                let kind = doc
                    .get(item, "type")
                    .and_then(|t| doc.str(t))
                    .unwrap_or("volume");
                let Some(target) = doc.get(item, "target").and_then(|t| doc.str(t)) else {
                    continue;
                };
                let source = doc.get(item, "source").and_then(|s| doc.str(s));
                let subpath = doc
                    .get_path(item, &["volume", "subpath"])
                    .and_then(|s| doc.str(s));
                let source = match (kind, source) {
                    ("bind", Some(path)) => MountSource::Bind(path.to_owned()),
                    // A subpath gives each mount its own directory of the volume.
                    ("volume", Some(name)) => MountSource::Named(match subpath {
                        Some(subpath) => format!("{name}/{subpath}"),
                        None => name.to_owned(),
                    }),
                    ("volume", None) => MountSource::Anonymous,
                    // tmpfs and npipe keep nothing across restarts.
                    _ => continue,
                };
                mounts.push(Mount {
                    source,
                    target: target.to_owned(),
                    range,
                });
            }
        }
        mounts
    }

    fn ports(&self, reader: &Reader<'_>, list: NodeId) -> Vec<PublishedPort> {
        let doc = self.doc;
        let mut ports = Vec::new();
        for &item in doc.items(list) {
            let range = doc.range(item);
            if let Some(scalar) = doc.scalar(item) {
                if scalar.value == ScalarValue::Null {
                    continue;
                }
                if let Some(port) = parse_short_port(&scalar.text, range) {
                    ports.push(port);
                }
            } else if doc.is_mapping(item) {
                let text = |key: &str| {
                    doc.get(item, key)
                        .and_then(|v| doc.scalar(v))
                        .map(|s| s.text.clone())
                };
                let Some(target) = text("target") else {
                    continue;
                };
                let first_key = doc.entries(item).first().map(|e| e.key);
                ports.push(PublishedPort {
                    host_ip: text("host_ip"),
                    published: text("published"),
                    target,
                    range,
                    long_form: first_key.map(|key| Section {
                        key: doc.range(key),
                        range,
                        insertion: reader.section_info(key, Some(item)).insertion,
                    }),
                });
            }
        }
        ports
    }

    fn environment(&self, env: NodeId) -> Vec<EnvVar> {
        let doc = self.doc;
        let mut variables = Vec::new();
        if doc.is_mapping(env) {
            for entry in doc.entries(env) {
                let Some(name) = doc.key_text(entry.key) else {
                    continue;
                };
                let value = doc
                    .scalar(entry.value)
                    .filter(|s| s.value != ScalarValue::Null)
                    .map(|s| s.text.clone());
                variables.push(EnvVar {
                    inherited: false,
                    name: name.to_owned(),
                    value_range: value.as_ref().map(|_| doc.range(entry.value)),
                    value,
                    name_range: doc.range(entry.key),
                    from_env_file: false,
                });
            }
        } else {
            for &item in doc.items(env) {
                let Some(text) = doc.str(item) else {
                    continue;
                };
                let range = doc.range(item);
                // The text may be quoted: find where the decoded text starts.
                let mut start = self_start(doc, item, range);
                // `- ${SETTING:-name=value}`: the entry is its default unless the
                // variable is set.
                let mut text = text;
                if let Some(inner) = text.strip_prefix("${").and_then(|t| t.strip_suffix('}'))
                    && let Some(at) = inner.find(":-")
                    && inner[..at]
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_')
                    && inner[at + 2..].contains('=')
                {
                    start += 2 + at + 2;
                    text = &inner[at + 2..];
                }
                match text.split_once('=') {
                    Some((name, value)) => variables.push(EnvVar {
                        inherited: false,
                        name: name.trim().to_owned(),
                        value: Some(value.to_owned()),
                        name_range: TextRange::new(start, start + name.len()),
                        value_range: Some(TextRange::new(
                            start + name.len() + 1,
                            start + name.len() + 1 + value.len(),
                        )),
                        from_env_file: false,
                    }),
                    None => variables.push(EnvVar {
                        inherited: false,
                        name: text.trim().to_owned(),
                        value: None,
                        name_range: range,
                        value_range: None,
                        from_env_file: false,
                    }),
                }
            }
        }
        variables
    }

    /// The variables of `env_file` (a path, a list of paths, or `{path, required}`
    /// entries), each placed on the path that names its file.
    fn env_file_variables(&self, files: NodeId) -> Vec<EnvVar> {
        let doc = self.doc;
        let entries: Vec<NodeId> = if doc.is_sequence(files) {
            doc.items(files).to_vec()
        } else {
            vec![files]
        };
        let mut variables = Vec::new();
        for entry in entries {
            let path_node = doc.get(entry, "path").unwrap_or(entry);
            let Some(path) = doc.str(path_node) else {
                continue;
            };
            let Some(contents) = (self.read_env_file)(path) else {
                continue;
            };
            let range = doc.range(path_node);
            for line in contents.lines() {
                let line = line.trim();
                let line = line.strip_prefix("export ").unwrap_or(line);
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                let Some((name, value)) = line.split_once('=') else {
                    continue;
                };
                let value = value.trim();
                let value = value
                    .strip_prefix('"')
                    .and_then(|v| v.strip_suffix('"'))
                    .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
                    .unwrap_or(value);
                variables.push(EnvVar {
                    inherited: false,
                    name: name.trim().to_owned(),
                    value: Some(value.to_owned()),
                    name_range: range,
                    value_range: Some(range),
                    from_env_file: true,
                });
            }
        }
        variables
    }

    fn dependencies(&self, reader: &Reader<'_>, deps: NodeId) -> Vec<WorkloadDependency> {
        let doc = self.doc;
        let mut dependencies = Vec::new();
        if doc.is_sequence(deps) {
            for &item in doc.items(deps) {
                if let Some(target) = doc.str(item) {
                    dependencies.push(WorkloadDependency {
                        target: Spanned::new(target.to_owned(), doc.range(item), doc.range(item)),
                        condition: None,
                        section: None,
                    });
                }
            }
        } else {
            for entry in doc.entries(deps) {
                let Some(target) = doc.key_text(entry.key) else {
                    continue;
                };
                let condition = doc.get_entry(entry.value, "condition").and_then(|c| {
                    Some(Spanned::new(
                        doc.str(c.value)?.to_owned(),
                        doc.range(c.value),
                        doc.range(c.key),
                    ))
                });
                let value = (!doc.is_null(entry.value)).then_some(entry.value);
                dependencies.push(WorkloadDependency {
                    target: Spanned::new(
                        target.to_owned(),
                        doc.range(entry.key),
                        doc.range(entry.key),
                    ),
                    condition,
                    section: Some(reader.section_info(entry.key, value)),
                });
            }
        }
        dependencies
    }
}

/// Where the text of a scalar item starts (after an opening quote).
fn self_start(doc: &YamlDocument, item: NodeId, range: TextRange) -> usize {
    match doc.scalar(item).map(|s| s.style) {
        Some(
            crate::syntax::ScalarStyle::SingleQuoted | crate::syntax::ScalarStyle::DoubleQuoted,
        ) => range.start + 1,
        _ => range.start,
    }
}

/// Where a new item goes in a block list: after the last item, at its indentation.
fn list_insertion(doc: &YamlDocument, text: &str, list: NodeId) -> Option<Insertion> {
    let items = doc.items(list);
    let last = *items.last()?;
    let first = *items.first()?;
    let range = doc.range(list);
    if text.as_bytes().get(range.start) == Some(&b'[') {
        return Some(Insertion::Flow {
            offset: doc.range(last).end,
            empty: false,
        });
    }
    let line_start = |offset: usize| {
        text.as_bytes()[..offset]
            .iter()
            .rposition(|&b| b == b'\n' || b == b'\r')
            .map_or(0, |i| i + 1)
    };
    let first_start = doc.range(first).start;
    // The `- ` marker sits two columns before the item's content.
    let indent = (first_start - line_start(first_start)).saturating_sub(2);
    // After the line of the last item's own content: a block mapping item can run on
    // over blank lines and comments to the end of the file.
    let end = doc.content_end(last);
    let line_end = text.as_bytes()[end..]
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .map_or(text.len(), |i| end + i);
    Some(Insertion::Block {
        offset: line_end,
        indent,
    })
}

/// Where items go under a block key with no value (`volumes:` and nothing after it):
/// on new lines below the key, indented two columns further. `None` in flow style.
fn empty_value_insertion(doc: &YamlDocument, text: &str, key: NodeId) -> Option<Insertion> {
    let key_range = doc.range(key);
    let bytes = text.as_bytes();
    let line_start = bytes[..key_range.start]
        .iter()
        .rposition(|&b| b == b'\n' || b == b'\r')
        .map_or(0, |i| i + 1);
    // Only a key that starts its line's content (block style) is safe to extend.
    let before = &text[line_start..key_range.start];
    if !before.bytes().all(|b| b == b' ' || b == b'-') {
        return None;
    }
    let line_end = bytes[key_range.end..]
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .map_or(text.len(), |i| key_range.end + i);
    let rest = text[key_range.end..line_end].trim_start();
    // `volumes:` alone, or followed by a comment.
    let after_colon = rest.strip_prefix(':')?;
    let after_colon_trimmed = after_colon.trim_start();
    if !(after_colon_trimmed.is_empty()
        || (after_colon_trimmed.starts_with('#') && after_colon.len() > after_colon_trimmed.len()))
    {
        return None;
    }
    let content_end = key_range.end + text[key_range.end..line_end].find(':')? + 1;
    Some(Insertion::Block {
        offset: content_end,
        indent: before.len() + 2,
    })
}

/// Splits at `separator`, except inside `${...}` interpolations.
fn split_outside_braces(text: &str, separator: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    let mut previous = '\0';
    for (index, ch) in text.char_indices() {
        match ch {
            '{' if previous == '$' => depth += 1,
            '}' if depth > 0 => depth -= 1,
            c if c == separator && depth == 0 => {
                parts.push(&text[start..index]);
                start = index + c.len_utf8();
            }
            _ => {}
        }
        previous = ch;
    }
    parts.push(&text[start..]);
    parts
}

fn classify_source(source: &str) -> MountSource {
    if source.starts_with(['/', '.', '~', '$']) || source.contains('/') {
        MountSource::Bind(source.to_owned())
    } else {
        MountSource::Named(source.to_owned())
    }
}

/// Parses the short port syntax: `5432`, `5432:5432`, `127.0.0.1:5432:5432`,
/// `[::1]:5432:5432`, ranges, and a `/tcp` suffix.
fn parse_short_port(text: &str, range: TextRange) -> Option<PublishedPort> {
    let text = text.trim();
    let text = text.split('/').next().unwrap_or(text);
    if text.is_empty() {
        return None;
    }
    let (host_ip, rest) = if let Some(after) = text.strip_prefix('[') {
        let (ip, rest) = after.split_once(']')?;
        (Some(ip.to_owned()), rest.strip_prefix(':').unwrap_or(rest))
    } else {
        // `${PORT:-5433}` keeps its colon: split outside interpolations only.
        let parts = split_outside_braces(text, ':');
        if parts.len() >= 3 {
            let rest_len = parts[parts.len() - 1].len() + parts[parts.len() - 2].len() + 1;
            (
                Some(text[..text.len() - rest_len - 1].to_owned()),
                &text[text.len() - rest_len..],
            )
        } else {
            (None, text)
        }
    };
    let parts = split_outside_braces(rest, ':');
    let (published, target) = match parts.as_slice() {
        [published, target] => (Some((*published).to_owned()), (*target).to_owned()),
        _ => (None, rest.to_owned()),
    };
    Some(PublishedPort {
        host_ip,
        published,
        target,
        range,
        long_form: None,
    })
}

/// The words of a command: a list's items, or a string split on white space.
fn words(doc: &YamlDocument, value: NodeId) -> Vec<String> {
    match doc.kind(value) {
        NodeKind::Sequence(items) => items
            .iter()
            .filter_map(|&item| doc.scalar(item).map(|s| s.text.clone()))
            .collect(),
        // A line break ends a command in a script (`sh -c "...\npostgres -c ..."`):
        // it is kept as `;`, so the next line's first word is in command position.
        NodeKind::Scalar(scalar) => {
            let mut words = Vec::new();
            for line in scalar.text.lines().filter(|line| !line.trim().is_empty()) {
                if !words.is_empty() {
                    words.push(";".to_owned());
                }
                words.extend(line.split_whitespace().map(str::to_owned));
            }
            words
        }
        _ => Vec::new(),
    }
}

/// Prefixes of the variables through which Kafka and its companions (Connect, ksqlDB,
/// Schema Registry, Control Center, Confluent's reporters) set their topics.
const KAFKA_FAMILY: [&str; 6] = [
    "KAFKA_",
    "CONNECT_",
    "KSQL_",
    "CONTROL_CENTER_",
    "CONFLUENT_",
    "SCHEMA_REGISTRY_",
];

/// Ends of the variables that set one topic's replication factor.
const TOPIC_FACTOR_ENDS: [&str; 4] = [
    "_REPLICATION_FACTOR",
    "_TOPIC_REPLICAS",
    "_TOPIC_REPLICATION",
    "_TOPICS_REPLICATION",
];

/// The replication factors of the topics every part of a Kafka platform creates for
/// itself, as streams: Connect's storage topics, Schema Registry's, ksqlDB's,
/// Confluent's license, balancer and metrics topics, Control Center's; and the
/// `--replication-factor` of a `kafka-topics` command.
fn other_topic_settings(workload: &Workload, text: &str, model: &mut SystemModel) {
    // The broker's own three are read with their minimum in-sync replicas.
    const BROKER_OWN: [&str; 3] = [
        "DEFAULT_REPLICATION_FACTOR",
        "OFFSETS_TOPIC_REPLICATION_FACTOR",
        "TRANSACTION_STATE_LOG_REPLICATION_FACTOR",
    ];
    let owner = &workload.name.value;
    let mut push = |label: String, value: Spanned<i64>| {
        let mut stream = kafka_stream(workload, format!("{owner}: {label}"), label);
        stream.replication_factor = Some(value);
        model.streams.push(stream);
    };
    for variable in &workload.environment {
        let name = variable.name.as_str();
        let setting = name
            .strip_prefix("KAFKA_CFG_")
            .or_else(|| name.strip_prefix("KAFKA_"))
            .unwrap_or(name);
        let topic_factor = KAFKA_FAMILY.iter().any(|prefix| name.starts_with(prefix))
            && TOPIC_FACTOR_ENDS.iter().any(|end| name.ends_with(end))
            && !BROKER_OWN.contains(&setting)
            // Connect's `replication.factor` is not a topic of its own.
            && name != "CONNECT_REPLICATION_FACTOR"
            // Debezium's Connect image names its storage topics' settings so.
            || matches!(
                name,
                "CONFIG_STORAGE_REPLICATION_FACTOR"
                    | "OFFSET_STORAGE_REPLICATION_FACTOR"
                    | "STATUS_STORAGE_REPLICATION_FACTOR"
            );
        if !topic_factor {
            continue;
        }
        let (Some(value), Some(range)) = (&variable.value, variable.value_range) else {
            continue;
        };
        let Ok(factor) = value.trim().trim_matches(['"', '\'']).parse::<i64>() else {
            continue;
        };
        push(
            format!(
                "the topic that `{name}` configures in {} `{owner}`",
                workload.kind.noun()
            ),
            Spanned::new(factor, range, variable.name_range),
        );
    }
    // `KAFKA_CREATE_TOPICS: "orders:6:1,payments:3:1"` (name:partitions:replicas).
    if let Some(variable) = ["KAFKA_CREATE_TOPICS", "KAFKA_CFG_CREATE_TOPICS"]
        .iter()
        .find_map(|name| workload.env(name))
        && let Some(range) = variable.value_range
        && let Some(written) = text.get(range.as_range())
    {
        let mut entry_start = range.start;
        for entry in written.split(',') {
            // Fields with their offsets: name, partitions, replicas (then options).
            let mut fields: Vec<(usize, &str)> = Vec::new();
            let mut field_start = entry_start;
            for field in entry.split(':') {
                fields.push((field_start, field));
                field_start += field.len() + 1;
            }
            entry_start += entry.len() + 1;
            let [(_, topic), _, (replicas_at, replicas), ..] = fields[..] else {
                continue;
            };
            let digits = replicas.trim_end_matches(['"', '\'', ' ']);
            let Ok(factor) = digits.parse::<i64>() else {
                continue;
            };
            let topic = topic.trim_matches(['"', '\'', ' ']);
            push(
                format!(
                    "the topic `{topic}` that `{}` creates in {} `{owner}`",
                    variable.name,
                    workload.kind.noun()
                ),
                Spanned::new(
                    factor,
                    TextRange::new(replicas_at, replicas_at + digits.len()),
                    variable.name_range,
                ),
            );
        }
    }
    // `kafka-topics --create ... --replication-factor 1`, in a command or a script.
    let Some(body) = text.get(workload.section.range.as_range()) else {
        return;
    };
    for (at, _) in body.match_indices("--replication-factor") {
        let after = &body[at + "--replication-factor".len()..];
        let gap = after.len() - after.trim_start_matches([' ', '=']).len();
        let digits = after[gap..].bytes().take_while(u8::is_ascii_digit).count();
        let Ok(factor) = after[gap..gap + digits].parse::<i64>() else {
            continue;
        };
        let start = workload.section.range.start + at + "--replication-factor".len() + gap;
        let range = TextRange::new(start, start + digits);
        let topic = after[gap + digits..]
            .split_whitespace()
            .collect::<Vec<_>>()
            .windows(2)
            .find(|pair| pair[0] == "--topic")
            .map(|pair| format!(" `{}`", pair[1].trim_matches(['"', '\''])))
            .or_else(|| {
                let before = &body[..at];
                let topic_at = before.rfind("--topic ")?;
                let name = before[topic_at + 8..].split_whitespace().next()?;
                Some(format!(" `{}`", name.trim_matches(['"', '\''])))
            })
            .unwrap_or_default();
        push(
            format!(
                "the topic{topic} that {} `{owner}` creates with `kafka-topics`",
                workload.kind.noun()
            ),
            Spanned::new(factor, range, range),
        );
    }
}

/// Marks the services that others wait on to complete
/// (`condition: service_completed_successfully`) as one-off jobs.
fn mark_jobs(workloads: &mut [Workload]) {
    let jobs: Vec<String> = workloads
        .iter()
        .flat_map(|workload| &workload.depends_on)
        .filter(|dependency| {
            dependency
                .condition
                .as_ref()
                .is_some_and(|condition| condition.value == "service_completed_successfully")
        })
        .map(|dependency| dependency.target.value.clone())
        .collect();
    for workload in workloads {
        workload.job = jobs.contains(&workload.name.value);
    }
}

/// The Kafka settings of a broker, as streams the stream rules check: not of a
/// controller-only node or a client container, which hold no topics.
pub(crate) fn kafka_streams(workload: &Workload, text: &str, model: &mut SystemModel) {
    if workload.is_kraft_controller_only() {
        return;
    }
    other_topic_settings(workload, text, model);
    if !is_kafka_node(workload) || workload.runs_client() {
        return;
    }
    let setting = |name: &str| {
        [format!("KAFKA_{name}"), format!("KAFKA_CFG_{name}")]
            .iter()
            .find_map(|variable| workload.env(variable))
            .and_then(|var| {
                let value = var.value.as_deref()?.trim().trim_matches('"');
                let range = var.value_range?;
                Some((value.to_owned(), range, var.name_range, var.name.clone()))
            })
            .or_else(|| command_override(workload, text, name))
    };
    let integer = |name: &str| {
        setting(name).and_then(|(value, range, key, variable)| {
            Some((
                Spanned::new(value.parse::<i64>().ok()?, range, key),
                variable,
            ))
        })
    };
    let broker = &workload.name.value;
    let topics: [(&str, &str, &str, &str); 3] = [
        (
            "default topics",
            "DEFAULT_REPLICATION_FACTOR",
            "MIN_INSYNC_REPLICAS",
            "the default topic settings",
        ),
        (
            "__consumer_offsets",
            "OFFSETS_TOPIC_REPLICATION_FACTOR",
            "",
            "the consumer offsets topic",
        ),
        (
            "__transaction_state",
            "TRANSACTION_STATE_LOG_REPLICATION_FACTOR",
            "TRANSACTION_STATE_LOG_MIN_ISR",
            "the transaction state log",
        ),
    ];
    for (name, factor, minimum, what) in topics {
        let factor = integer(factor);
        let minimum = (!minimum.is_empty()).then(|| integer(minimum)).flatten();
        let unclean = (name == "default topics")
            .then(|| setting("UNCLEAN_LEADER_ELECTION_ENABLE"))
            .flatten()
            .map(|(value, range, key, _)| {
                Spanned::new(value.eq_ignore_ascii_case("true"), range, key)
            });
        if factor.is_none() && minimum.is_none() && unclean.is_none() {
            continue;
        }
        let variable = factor
            .as_ref()
            .or(minimum.as_ref())
            .map_or_else(String::new, |(_, variable)| format!(" (`{variable}`)"));
        let mut stream = kafka_stream(
            workload,
            format!("{broker}: {name}"),
            format!("{what} of Kafka broker `{broker}`{variable}"),
        );
        stream.replication_factor = factor.map(|(value, _)| value);
        stream.min_insync_replicas = minimum.map(|(value, _)| value);
        stream.unclean_leader_election = unclean;
        model.streams.push(stream);
    }
}

/// A broker setting given on `kafka-server-start.sh`'s command line as `--override
/// default.replication.factor=1` (`name` is the variable's spelling,
/// `DEFAULT_REPLICATION_FACTOR`): its value, the value's range, the range of the
/// setting's name, and how it is written.
fn command_override(
    workload: &Workload,
    text: &str,
    name: &str,
) -> Option<(String, TextRange, TextRange, String)> {
    let dotted = name.to_ascii_lowercase().replace('_', ".");
    let words: Vec<&str> = workload
        .command
        .iter()
        .flat_map(|word| word.split_whitespace())
        .collect();
    let given = words.windows(2).any(|pair| {
        pair[0] == "--override"
            && pair[1]
                .trim_matches(['"', '\''])
                .strip_prefix(dotted.as_str())
                .is_some_and(|rest| rest.starts_with('='))
    });
    if !given {
        return None;
    }
    // Where it is written: inside the workload's own section of the file.
    let section = workload.section.range;
    let within = text.get(section.start..section.end)?;
    let needle = format!("{dotted}=");
    let mut from = 0;
    let at = loop {
        let found = within[from..].find(&needle)? + from;
        let before = within[..found].trim_end();
        if before.ends_with("--override") {
            break found;
        }
        from = found + needle.len();
    };
    let name_start = section.start + at;
    let value_start = name_start + needle.len();
    let value_len = text[value_start..]
        .find(|c: char| c.is_whitespace() || c == '"' || c == '\'' || c == '\\')
        .unwrap_or(text.len() - value_start);
    let value = text[value_start..value_start + value_len].to_owned();
    Some((
        value,
        TextRange::new(value_start, value_start + value_len),
        TextRange::new(name_start, value_start - 1),
        format!("--override {dotted}"),
    ))
}

/// A stream for topic settings of a Kafka workload, named and placed on it, with no
/// setting yet.
fn kafka_stream(workload: &Workload, name: String, label: String) -> Stream {
    let at = workload.name.range;
    let mut stream = Stream::new(
        Spanned::new(name, at, at),
        Origin::Infrastructure,
        workload.section.clone(),
    );
    stream.label = Some(label);
    stream.broker = Some(Spanned::new("kafka".to_owned(), at, at));
    stream
}

/// Whether a workload is a Kafka node: its system is Kafka, or (for an image given as
/// `${IMAGE}`) its environment carries broker settings. (`Workload::is_kafka_broker`
/// further leaves out controllers only and clients.)
fn is_kafka_node(workload: &Workload) -> bool {
    if let Some(system) = workload.system {
        return system.id == "kafka";
    }
    workload.environment.iter().any(|variable| {
        let name = variable
            .name
            .strip_prefix("KAFKA_CFG_")
            .or_else(|| variable.name.strip_prefix("KAFKA_"));
        name.is_some_and(|name| {
            [
                "REPLICATION_FACTOR",
                "MIN_ISR",
                "MIN_INSYNC_REPLICAS",
                "PROCESS_ROLES",
                "BROKER_ID",
                "CONTROLLER_QUORUM_VOTERS",
                "ZOOKEEPER_CONNECT",
            ]
            .iter()
            .any(|setting| name.contains(setting))
        })
    })
}

/// Consensus ensembles: ZooKeeper, etcd, Consul and KRaft controller quorums, sized
/// from their configuration or, failing that, from the number of member services.
fn ensembles(model: &mut SystemModel) {
    let mut counted_systems: Vec<&str> = Vec::new();
    let mut groups = Vec::new();
    for (at, workload) in model.workloads.iter().enumerate() {
        // A service's part tells whether its settings make it a broker (most
        // services have no system: this runs on each keystroke).
        let kafka_by_settings = || match model.compose_parts.get(at) {
            Some(part) => part.kafka_by_settings,
            None => is_kafka_node(workload),
        };
        let system = match workload.system {
            Some(system) => system,
            None if kafka_by_settings() => catalog::kafka(),
            None => continue,
        };
        let configured = match system.id {
            "zookeeper" => workload
                .env("ZOO_SERVERS")
                .or_else(|| workload.env("ZOOKEEPER_SERVERS"))
                .and_then(|var| {
                    Some((
                        crate::model::count_members(var.value.as_deref()?, &[' ', ',', ';']),
                        var,
                    ))
                }),
            "etcd" => workload.env("ETCD_INITIAL_CLUSTER").and_then(|var| {
                Some((
                    crate::model::count_members(var.value.as_deref()?, &[',']),
                    var,
                ))
            }),
            "kafka" => workload
                .env("KAFKA_CONTROLLER_QUORUM_VOTERS")
                .or_else(|| workload.env("KAFKA_CFG_CONTROLLER_QUORUM_VOTERS"))
                .and_then(|var| {
                    Some((
                        crate::model::count_members(var.value.as_deref()?, &[',']),
                        var,
                    ))
                }),
            // The master-eligible nodes that elect the cluster's master by majority.
            "elasticsearch" | "opensearch" => workload
                .env("cluster.initial_master_nodes")
                .or_else(|| workload.env("cluster.initial_cluster_manager_nodes"))
                .and_then(|var| {
                    Some((
                        crate::model::count_members(var.value.as_deref()?, &[',']),
                        var,
                    ))
                }),
            _ => None,
        };
        let algorithm = match system.id {
            "zookeeper" => ConsensusAlgorithm::Zab,
            _ => ConsensusAlgorithm::Raft,
        };
        if let Some((members, variable)) = configured {
            // Every member repeats the same list: one group per distinct list.
            let value = variable.value.clone().unwrap_or_default();
            if groups
                .iter()
                .any(|(_, v): &(ConsensusGroup, String)| *v == value)
            {
                continue;
            }
            let range = variable.value_range.unwrap_or(variable.name_range);
            groups.push((
                ConsensusGroup {
                    name: Spanned::new(
                        match system.id {
                            "kafka" => "the KRaft controller quorum".to_owned(),
                            "elasticsearch" | "opensearch" => {
                                format!("the group of {} master-eligible nodes", system.display)
                            }
                            _ => format!("the {} ensemble", system.display),
                        },
                        workload.name.range,
                        workload.name.range,
                    ),
                    origin: Origin::Infrastructure,
                    section: workload.section.clone(),
                    algorithm: Some(Spanned::new(algorithm, range, variable.name_range)),
                    nodes: Some(Spanned::new(members as i64, range, variable.name_range)),
                    faulty: None,
                },
                value,
            ));
            counted_systems.push(system.id);
            continue;
        }
        if system.id == "consul"
            && let Some(expect) = consul_bootstrap_expect(&workload.command)
            && let Ok(members) = expect.parse::<i64>()
        {
            let value = format!("consul:{members}");
            if !groups.iter().any(|(_, v)| *v == value) {
                groups.push((
                    ConsensusGroup {
                        name: Spanned::new(
                            "the Consul server group".to_owned(),
                            workload.name.range,
                            workload.name.range,
                        ),
                        origin: Origin::Infrastructure,
                        section: workload.section.clone(),
                        algorithm: Some(Spanned::new(
                            ConsensusAlgorithm::Raft,
                            workload.name.range,
                            workload.name.range,
                        )),
                        nodes: Some(Spanned::new(
                            members,
                            workload.name.range,
                            workload.name.range,
                        )),
                        faulty: None,
                    },
                    value,
                ));
            }
            counted_systems.push("consul");
        }
    }
    // Coordinators without a member list: count their services (more than one).
    // ZooKeeper servers count only with distinct server ids (`ZOO_MY_ID`,
    // `ZOOKEEPER_SERVER_ID`): without one, or with the same one, each runs standalone,
    // so two of them are two ensembles of one, not one of two.
    for role_system in ["zookeeper", "etcd", "consul"] {
        if counted_systems.contains(&role_system) {
            continue;
        }
        let members: Vec<&Workload> = model
            .workloads
            .iter()
            .filter(|w| {
                w.system
                    .is_some_and(|s| s.id == role_system && s.role == SystemRole::Coordinator)
            })
            // Consul client agents take no part in Raft: count the servers.
            .filter(|w| {
                role_system != "consul"
                    || w.command.iter().any(|c| c == "-server" || c == "--server")
            })
            .collect();
        let members = if role_system == "zookeeper" {
            let mut ids: Vec<&str> = Vec::new();
            members
                .into_iter()
                .filter(|w| {
                    let id = ["ZOO_MY_ID", "ZOOKEEPER_SERVER_ID"]
                        .iter()
                        .find_map(|name| w.env(name)?.value.as_deref());
                    match id {
                        Some(id) if !ids.contains(&id) => {
                            ids.push(id);
                            true
                        }
                        _ => false,
                    }
                })
                .collect()
        } else {
            members
        };
        if members.len() < 2 {
            continue;
        }
        let first = members[0];
        let algorithm = if role_system == "zookeeper" {
            ConsensusAlgorithm::Zab
        } else {
            ConsensusAlgorithm::Raft
        };
        groups.push((
            ConsensusGroup {
                name: Spanned::new(
                    format!("the {} ensemble", first.system.map_or("", |s| s.display)),
                    first.name.range,
                    first.name.range,
                ),
                origin: Origin::Infrastructure,
                section: first.section.clone(),
                algorithm: Some(Spanned::new(algorithm, first.name.range, first.name.range)),
                nodes: Some(Spanned::new(
                    members.len() as i64,
                    first.name.range,
                    first.name.range,
                )),
                faulty: None,
            },
            String::new(),
        ));
    }
    model
        .consensus_groups
        .extend(groups.into_iter().map(|(group, _)| group));
}

/// The value of Consul's `-bootstrap-expect=N` or `-bootstrap-expect N`.
fn consul_bootstrap_expect(command: &[String]) -> Option<&str> {
    command.iter().enumerate().find_map(|(index, word)| {
        let flag = word.trim_start_matches('-');
        if let Some(value) = flag.strip_prefix("bootstrap-expect=") {
            return Some(value);
        }
        (flag == "bootstrap-expect")
            .then(|| command.get(index + 1).map(String::as_str))
            .flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn port(text: &str) -> (Option<String>, Option<String>, String) {
        let p = parse_short_port(text, TextRange::empty(0)).expect("a port");
        (p.host_ip, p.published, p.target)
    }

    #[test]
    fn short_port_syntax() {
        assert_eq!(port("5432"), (None, None, "5432".to_owned()));
        assert_eq!(
            port("5432:5432"),
            (None, Some("5432".to_owned()), "5432".to_owned())
        );
        assert_eq!(
            port("127.0.0.1:5432:5432"),
            (
                Some("127.0.0.1".to_owned()),
                Some("5432".to_owned()),
                "5432".to_owned()
            )
        );
        assert_eq!(
            port("[::1]:6379:6379/tcp"),
            (
                Some("::1".to_owned()),
                Some("6379".to_owned()),
                "6379".to_owned()
            )
        );
        assert_eq!(
            port("8000-8010:8000-8010"),
            (None, Some("8000-8010".to_owned()), "8000-8010".to_owned())
        );
    }

    #[test]
    fn member_lists() {
        assert_eq!(
            crate::model::count_members(
                "server.1=zoo1:2888:3888;2181 server.2=zoo2:2888:3888;2181",
                &[' ', ',']
            ),
            2
        );
        assert_eq!(
            crate::model::count_members(
                "zoo1:2888:3888;zoo2:2888:3888;zoo3:2888:3888",
                &[' ', ',', ';']
            ),
            3
        );
        assert_eq!(
            crate::model::count_members(
                "1@kafka1:9093,2@kafka2:9093,3@kafka3:9093,4@kafka4:9093",
                &[',']
            ),
            4
        );
        assert_eq!(
            crate::model::count_members("etcd1=http://etcd1:2380,etcd2=http://etcd2:2380", &[',']),
            2
        );
    }
}
