//! What this broker version does with the features a scenario asks for: a warning in words for
//! each feature it ignores, instead of a silent no-op.

use warren_shared::event::BrokerFeatures;
use warren_shared::say;
use warren_shared::sentences::relay as say;
use warren_shared::{Policy, QueueType, Scenario, Step};

/// A RabbitMQ version as (major, minor); unknown parts read as 0.
pub fn parse(version: &str) -> (u32, u32) {
    let mut parts = version.split(['.', '-', ' ']).map(|p| p.parse::<u32>().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

/// What RabbitMQ `version` supports of the features Warren demonstrates.
pub fn features(version: &str) -> BrokerFeatures {
    let v = parse(version);
    let known = v.0 > 0;
    let mut features = BrokerFeatures {
        lazy_mode: known && v < (3, 12),
        classic_mirroring: known && v < (4, 0),
        quorum_queues: v >= (3, 8),
        quorum_priorities: v >= (4, 0),
        notes: Vec::new(),
    };
    if !known {
        features.notes.push(say!(say::VERSION_UNREADABLE, version));
        return features;
    }
    if !features.lazy_mode {
        features.notes.push(say!(say::LAZY_IGNORED_NOTE, version));
    }
    if !features.classic_mirroring {
        features.notes.push(say!(say::NO_MIRRORING_NOTE, version));
    } else if v >= (3, 13) {
        features.notes.push(say!(say::MIRRORING_DEPRECATED_NOTE, version));
    }
    if !features.quorum_priorities {
        features.notes.push(say!(say::QUORUM_PRIORITIES_NOTE, version));
    }
    features
}

/// One sentence per feature of `scenario` that RabbitMQ `version` ignores or treats differently.
pub fn warnings(scenario: &Scenario, version: &str) -> Vec<String> {
    let v = parse(version);
    let mut out = Vec::new();
    if v.0 == 0 {
        return out;
    }
    let lazy_queues: Vec<&str> = scenario
        .queues
        .iter()
        .filter(|q| q.arguments.get("x-queue-mode").and_then(|m| m.as_str()) == Some("lazy"))
        .map(|q| q.name.as_str())
        .collect();
    let lazy_policy =
        all_policies(scenario).any(|p| p.definition.get("queue-mode").and_then(|m| m.as_str()) == Some("lazy"));
    if v >= (3, 12) && (!lazy_queues.is_empty() || lazy_policy) {
        let queues = if lazy_queues.is_empty() {
            say::POLICY_QUEUES.to_owned()
        } else {
            lazy_queues.join(", ")
        };
        out.push(say!(say::LAZY_IGNORED, version, queues));
    }
    let mirroring = all_policies(scenario).any(|p| p.definition.keys().any(|k| k.starts_with("ha-")));
    if v >= (4, 0) && mirroring {
        out.push(say!(say::NO_MIRRORING, version));
    } else if v >= (3, 13) && mirroring {
        out.push(say!(say::MIRRORING_DEPRECATED, version));
    }
    for queue in scenario.queues.iter().filter(|q| q.kind == QueueType::Quorum) {
        if queue.arguments.contains_key("x-max-priority") && v < (4, 0) {
            out.push(say!(say::QUORUM_PRIORITIES, version, queue = queue.name));
        }
        if queue.arguments.contains_key("x-queue-mode") {
            out.push(say!(say::QUORUM_LAZY, queue = queue.name));
        }
    }
    out
}

/// The scenario's policies and those its timeline applies later.
fn all_policies(scenario: &Scenario) -> impl Iterator<Item = &Policy> {
    scenario
        .policies
        .iter()
        .chain(scenario.timeline.iter().filter_map(|step| match step {
            Step::ApplyPolicy { policy, .. } => Some(policy),
            _ => None,
        }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(json: serde_json::Value) -> Scenario {
        warren_shared::parse_scenario(&json).expect("valid")
    }

    #[test]
    fn versions_parse() {
        assert_eq!(parse("3.10.8"), (3, 10));
        assert_eq!(parse("4.1.0-rc.1"), (4, 1));
        assert_eq!(parse("unknown"), (0, 0));
    }

    #[test]
    fn lazy_mode_warns_from_3_12() {
        let s = scenario(
            serde_json::json!({"version": 1, "queues": [{"name": "q", "arguments": {"x-queue-mode": "lazy"}}]}),
        );
        assert!(warnings(&s, "3.10.8").is_empty());
        let w = warnings(&s, "3.12.1");
        assert_eq!(w.len(), 1);
        assert!(w[0].contains("ignores lazy mode") && w[0].contains('q'));
    }

    #[test]
    fn features_follow_the_version() {
        let old = features("3.10.8");
        assert!(old.lazy_mode && old.classic_mirroring && old.quorum_queues && !old.quorum_priorities);
        let new = features("4.1.0");
        assert!(!new.lazy_mode && !new.classic_mirroring && new.quorum_priorities);
        assert!(new.notes.iter().any(|n| n.contains("quorum")));
    }

    #[test]
    fn mirroring_on_4_points_to_quorum_queues() {
        let s = scenario(serde_json::json!({"version": 1, "policies": [
            {"name": "ha", "pattern": ".*", "definition": {"ha-mode": "all"}}]}));
        assert!(warnings(&s, "3.10.8").is_empty());
        assert!(warnings(&s, "4.0.2")[0].contains("quorum"));
    }
}
