//! `storage-engine-mismatch`: a storage engine built for the opposite workload.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports `engine: lsm-tree` with `workload: read-heavy`, and `engine: b-tree` with
    /// `workload: write-heavy`.
    ///
    /// ## Why is this bad
    /// The two engine families trade reads against writes. LSM-trees turn writes into
    /// sequential appends and merge in the background, which makes writes cheap, but a
    /// read may have to check several levels (bloom filters help point reads, range
    /// reads still pay). B-trees keep each key in one place, which makes reads
    /// predictable, but every write rewrites whole pages in place and pays write
    /// amplification and random I/O. Pairing an engine with the workload it is worst at
    /// costs hardware and tail latency. It can still be right for other reasons, so
    /// this is information.
    ///
    /// ## Example
    /// ```yaml
    /// datastores:
    ///   events: {engine: b-tree, workload: write-heavy}
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// datastores:
    ///   events: {engine: lsm-tree, workload: write-heavy}
    /// ```
    ///
    /// ## References
    /// - Designing Data-Intensive Applications, chapter 3: "Comparing B-Trees and
    ///   LSM-Trees".
    /// - The guide, "Storage Engines".
    pub static STORAGE_ENGINE_MISMATCH = {
        code: "storage-engine-mismatch",
        severity: Info,
        category: Storage,
        summary: "A storage engine that is weakest at the datastore's workload",
        fix: None,
        scope: Component,
        check: Some(check),
    }
}

fn check(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    for datastore in &model.datastores {
        let (Some(engine), Some(workload)) = (&datastore.engine, &datastore.workload) else {
            continue;
        };
        let why = match (engine.value, workload.value) {
            (StorageEngine::LsmTree, WorkloadType::ReadHeavy) => {
                "an LSM-tree optimises writes, and reads may have to check several levels"
            }
            (StorageEngine::BTree, WorkloadType::WriteHeavy) => {
                "a B-tree rewrites pages in place, paying write amplification and random I/O on every write"
            }
            _ => continue,
        };
        let diagnostic = ctx
            .diagnostic(
                engine.range,
                format!(
                    "datastore `{}` has a {} workload on `engine: {}`: {why}",
                    datastore.name.value, workload.value, engine.value
                ),
            )
            .with_related(workload.range, format!("{} workload", workload.value));
        ctx.report(diagnostic);
    }
}
