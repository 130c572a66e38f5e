//! `unpinned-image`: an image without a tag, or with `latest`.

use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Reports an `image:` with no tag or with a tag that moves: `latest`, a channel
    /// (`stable`, `edge`, `unstable`, `nightly`), a bare distribution (`alpine`) or a
    /// release candidate (`8.0.0-rc1`), in Compose and Kubernetes alike. A digest pin
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
            None => "has no tag, so it means `latest`".to_owned(),
            Some(tag) if is_floating(tag) => format!("is tagged `{tag}`, which moves"),
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

/// Whether a tag names whatever the publisher last pushed under it: `latest`, a
/// channel (`stable`, `edge`, `unstable`, `nightly`, `dev`, `main`, `master`), a bare
/// distribution (`alpine`), or a release candidate (`8.0.0-rc1`, `rc`).
fn is_floating(tag: &str) -> bool {
    const CHANNELS: [&str; 10] = [
        "latest", "stable", "edge", "unstable", "nightly", "dev", "main", "master", "alpine", "rc",
    ];
    let tag = tag.to_ascii_lowercase();
    CHANNELS.contains(&tag.as_str())
        || tag
            .split(['-', '.', '_'])
            .any(|part| part.starts_with("rc") && part[2..].bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::is_floating;

    #[test]
    fn channels_distributions_and_release_candidates_float() {
        for tag in [
            "latest",
            "stable",
            "edge",
            "alpine",
            "unstable",
            "8.0.0-rc1",
            "RC",
            "7.2-rc",
        ] {
            assert!(is_floating(tag), "{tag}");
        }
        for tag in ["16.2", "7.2.4-alpine", "3.9", "v3.5.13", "8.0.0-source"] {
            assert!(!is_floating(tag), "{tag}");
        }
    }
}
