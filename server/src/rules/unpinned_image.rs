//! `unpinned-image`: an image without a tag, or with `latest`.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports an `image:` with no tag or with the `latest` tag. A digest pin
    /// (`@sha256:...`) is fine; an image written with `${VAR}` cannot be judged and is
    /// left alone.
    ///
    /// ## Why is this bad
    /// `latest` is whatever was pushed last. The same file then runs a different
    /// database version on every machine and after every pull, and a major version can
    /// arrive unannounced, with an on-disk format the old data directory cannot be read
    /// with. Rollbacks become guesswork because nobody knows which version ran before.
    ///
    /// ## Example
    /// ```yaml
    /// image: postgres:latest
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// image: postgres:16.4
    /// ```
    ///
    /// ## References
    /// - Docker documentation, "Image tags" and "Pin base image versions".
    pub static UNPINNED_IMAGE = {
        code: "unpinned-image",
        severity: Info,
        category: Infrastructure,
        summary: "An image without a version tag, or tagged `latest`",
        fix: None,
        scope: Component,
        check: Some(check),
    }
}

fn check(model: &SystemModel, ctx: &mut RuleContext<'_>) {
    for workload in &model.workloads {
        let Some(image) = &workload.image else {
            continue;
        };
        // With `build:`, `image:` names what the file builds.
        if workload.built_locally {
            continue;
        }
        let reference = &image.value;
        if reference.interpolated || reference.digest.is_some() {
            continue;
        }
        let problem = match reference.tag.as_deref() {
            None => "has no tag, so it means `latest`",
            Some("latest") => "is tagged `latest`",
            Some(_) => continue,
        };
        let diagnostic = ctx.diagnostic(
            image.range,
            format!(
                "the image of {} `{}` {problem}: each pull may run a different version",
                workload.kind.noun(),
                workload.name.value
            ),
        );
        ctx.report(diagnostic);
    }
}
