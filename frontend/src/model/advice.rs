//! What will certainly happen in a run and is probably not meant, found before it starts: a
//! publisher whose messages no binding takes, a consumer on a queue nothing reaches, a priority
//! on messages to a queue that ignores priorities. The page shows these as gentle notes on the
//! canvas; they never stop a run, since doing the wrong thing on purpose is part of learning.
//!
//! Routing follows [`Layout::predict`] (headers exchanges are taken to match every binding, so a
//! headers scenario gets no false note). A queue counts as reached when a publisher's messages
//! are routed to it, or when it is bound (by any key) behind the dead-letter exchange of a queue
//! that is reached: dead-letter routing keys can be rewritten, so that side is read generously.

use super::layout::{EdgeKind, Layout, NodeKind};
use warren_shared::{PriorityRule, Scenario};

/// One note, on one box of the canvas.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Advice {
    /// The box it belongs to (a node index of the layout).
    pub node: usize,
    /// What it says.
    pub kind: AdviceKind,
}

/// What a note says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdviceKind {
    /// No binding matches what this publisher sends, and no alternate exchange takes it.
    Unroutable {
        /// The publisher asks for returns: RabbitMQ sends every message back.
        mandatory: bool,
    },
    /// Nothing routes to the queue this consumer reads.
    NothingArrives {
        /// The queue.
        queue: String,
    },
    /// This publisher sets priorities, but these queues it reaches have no `x-max-priority`.
    PriorityIgnored {
        /// The queues that ignore the priority.
        queues: Vec<String>,
    },
}

impl AdviceKind {
    /// The note in English.
    pub fn english(&self) -> String {
        match self {
            Self::Unroutable { mandatory: false } => {
                "No binding matches its routing key: RabbitMQ will drop every message (mandatory would return them)"
                    .to_owned()
            }
            Self::Unroutable { mandatory: true } => {
                "No binding matches its routing key: RabbitMQ will return every message (312 NO_ROUTE)".to_owned()
            }
            Self::NothingArrives { queue } => {
                format!("Nothing is routed to {queue}: this consumer will receive nothing")
            }
            Self::PriorityIgnored { queues } => format!(
                "Sets priorities, but {} {} no x-max-priority: the priority is ignored there",
                queues.join(", "),
                if queues.len() == 1 { "has" } else { "have" }
            ),
        }
    }

    /// The note in Chinese.
    pub fn chinese(&self) -> String {
        match self {
            Self::Unroutable { mandatory: false } => {
                "没有绑定匹配它的路由键：RabbitMQ 会丢弃每条消息（设置 mandatory 则会退回）".to_owned()
            }
            Self::Unroutable { mandatory: true } => {
                "没有绑定匹配它的路由键：RabbitMQ 会退回每条消息（312 NO_ROUTE）".to_owned()
            }
            Self::NothingArrives { queue } => format!("没有消息会路由到 {queue}：这个消费者收不到任何消息"),
            Self::PriorityIgnored { queues } => format!(
                "设置了优先级，但 {} 没有 x-max-priority：优先级在那里不起作用",
                queues.join("、")
            ),
        }
    }
}

/// Every note for `scenario` as laid out in `layout`, in node order (a box gets one note at
/// most: a publisher whose messages reach no queue has no queue to ignore its priorities).
pub fn advise(scenario: &Scenario, layout: &Layout) -> Vec<Advice> {
    let mut notes: Vec<Option<AdviceKind>> = vec![None; layout.nodes.len()];
    let mut reached = vec![false; layout.nodes.len()];
    for publisher in &scenario.publishers {
        let Some(node) = layout.find(NodeKind::Publisher, &publisher.name) else {
            continue;
        };
        if layout.find(NodeKind::Exchange, &publisher.exchange).is_none() {
            // An exchange the scenario does not declare: validation says so.
            continue;
        }
        // The queues its messages reach, each once, in the order first reached.
        let mut queues: Vec<usize> = Vec::new();
        for path in layout.predict(&publisher.exchange, &publisher.routing_key) {
            if let Some(&queue) = path.last()
                && !queues.contains(&queue)
            {
                queues.push(queue);
            }
        }
        for &queue in &queues {
            reached[queue] = true;
        }
        notes[node] = if queues.is_empty() {
            Some(AdviceKind::Unroutable {
                mandatory: publisher.mandatory,
            })
        } else if publisher.priority == PriorityRule::None {
            None
        } else {
            let ignoring: Vec<String> = queues
                .iter()
                .map(|&q| &layout.nodes[q].name)
                .filter(|name| !has_max_priority(scenario, name))
                .cloned()
                .collect();
            (!ignoring.is_empty()).then_some(AdviceKind::PriorityIgnored { queues: ignoring })
        };
    }
    reach_dead_letters(layout, &mut reached);
    for consumer in &scenario.consumers {
        if let (Some(node), Some(queue)) = (
            layout.find(NodeKind::Consumer, &consumer.name),
            layout.find(NodeKind::Queue, &consumer.queue),
        ) && !reached[queue]
        {
            notes[node] = Some(AdviceKind::NothingArrives {
                queue: consumer.queue.clone(),
            });
        }
    }
    notes
        .into_iter()
        .enumerate()
        .filter_map(|(node, kind)| kind.map(|kind| Advice { node, kind }))
        .collect()
}

/// Mark every queue bound, by any key, behind the dead-letter exchange of a reached queue.
fn reach_dead_letters(layout: &Layout, reached: &mut [bool]) {
    let mut changed = true;
    while changed {
        changed = false;
        for edge in layout.edges.iter().filter(|e| e.kind == EdgeKind::DeadLetter) {
            if !reached[edge.from] {
                continue;
            }
            let mut stack = vec![edge.to];
            let mut seen = vec![false; layout.nodes.len()];
            while let Some(at) = stack.pop() {
                if std::mem::replace(&mut seen[at], true) {
                    continue;
                }
                if layout.nodes[at].kind == NodeKind::Queue && !reached[at] {
                    reached[at] = true;
                    changed = true;
                }
                stack.extend(
                    layout
                        .edges
                        .iter()
                        .filter(|e| e.from == at && matches!(e.kind, EdgeKind::Binding | EdgeKind::Alternate))
                        .map(|e| e.to),
                );
            }
        }
    }
}

/// Whether the queue named `name` is declared with `x-max-priority`.
fn has_max_priority(scenario: &Scenario, name: &str) -> bool {
    scenario
        .queues
        .iter()
        .find(|q| q.name == name)
        .is_some_and(|q| q.arguments.contains_key("x-max-priority"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gallery::examples;
    use crate::model::layout::layout;

    fn scenario(json: serde_json::Value) -> Scenario {
        warren_shared::parse_scenario(&json).expect("a scenario")
    }

    fn notes(s: &Scenario) -> Vec<(String, AdviceKind)> {
        let l = layout(s);
        advise(s, &l)
            .into_iter()
            .map(|a| (l.nodes[a.node].name.clone(), a.kind))
            .collect()
    }

    #[test]
    fn a_key_no_binding_matches_is_dropped_or_returned() {
        let mut json = serde_json::json!({
            "version": 1,
            "exchanges": [{"name": "x", "type": "direct"}],
            "queues": [{"name": "q"}],
            "bindings": [{"source": "x", "destination": "q", "routing_key": "q"}],
            "publishers": [{"name": "p", "exchange": "x", "routing_key": "", "count": 10}],
            "consumers": [{"name": "c", "queue": "q"}]
        });
        assert_eq!(
            notes(&scenario(json.clone())),
            vec![
                ("p".to_owned(), AdviceKind::Unroutable { mandatory: false }),
                ("c".to_owned(), AdviceKind::NothingArrives { queue: "q".to_owned() }),
            ]
        );
        json["publishers"][0]["routing_key"] = "q".into();
        assert_eq!(notes(&scenario(json)), Vec::new());
    }

    #[test]
    fn an_alternate_exchange_takes_what_no_binding_matches() {
        let json = serde_json::json!({
            "version": 1,
            "exchanges": [
                {"name": "x", "type": "direct", "arguments": {"alternate-exchange": "ae"}},
                {"name": "ae", "type": "fanout"}
            ],
            "queues": [{"name": "q"}, {"name": "backup"}],
            "bindings": [
                {"source": "x", "destination": "q", "routing_key": "k"},
                {"source": "ae", "destination": "backup"}
            ],
            "publishers": [{"name": "p", "exchange": "x", "routing_key": "other", "count": 10}],
            "consumers": [{"name": "c", "queue": "backup"}]
        });
        assert_eq!(notes(&scenario(json)), Vec::new());
    }

    #[test]
    fn a_dead_letter_queue_counts_as_reached() {
        let json = serde_json::json!({
            "version": 1,
            "exchanges": [{"name": "dlx", "type": "direct"}],
            "queues": [
                {"name": "work", "arguments": {"x-dead-letter-exchange": "dlx", "x-dead-letter-routing-key": "dead"}},
                {"name": "dead"}
            ],
            "bindings": [{"source": "dlx", "destination": "dead", "routing_key": "dead"}],
            "publishers": [{"name": "p", "exchange": "", "routing_key": "work", "count": 10}],
            "consumers": [{"name": "c", "queue": "dead"}]
        });
        assert_eq!(notes(&scenario(json)), Vec::new());
    }

    #[test]
    fn priorities_to_a_queue_without_max_priority_are_pointed_out() {
        let json = serde_json::json!({
            "version": 1,
            "queues": [{"name": "plain"}],
            "publishers": [{"name": "p", "exchange": "", "routing_key": "plain", "count": 10,
                            "priority": {"rule": "fixed", "priority": 5}}]
        });
        let kind = AdviceKind::PriorityIgnored {
            queues: vec!["plain".to_owned()],
        };
        assert_eq!(notes(&scenario(json)), vec![("p".to_owned(), kind.clone())]);
        assert!(kind.english().contains("plain has no x-max-priority"));
        assert!(kind.chinese().contains("plain"));
    }

    #[test]
    fn the_examples_get_notes_only_where_they_mean_it() {
        for example in examples() {
            let s = example.scenario().expect("example");
            let got = notes(&s);
            let expected: Vec<(String, AdviceKind)> = match example.stem {
                // The returns example publishes to a key nothing is bound to, on purpose: its
                // consumer waits in vain, which is the point.
                "returns" => vec![
                    ("producer".to_owned(), AdviceKind::Unroutable { mandatory: true }),
                    (
                        "consumer".to_owned(),
                        AdviceKind::NothingArrives {
                            queue: "confirm-queue".to_owned(),
                        },
                    ),
                ],
                // The alternate exchange takes every message, so the bound queue stays empty.
                "backup-exchange" => vec![(
                    "consumer".to_owned(),
                    AdviceKind::NothingArrives {
                        queue: "confirm-queue2".to_owned(),
                    },
                )],
                _ => Vec::new(),
            };
            assert_eq!(got, expected, "{}", example.stem);
        }
    }
}
