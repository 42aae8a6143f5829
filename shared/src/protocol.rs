//! The WebSocket protocol between the page and the relay (`GET /ws`, one JSON text frame per
//! message, every message tagged with `type`).
//!
//! The relay speaks first with [`ServerMessage::Hello`], carrying [`PROTOCOL_VERSION`]; a page
//! built for another version says so instead of misreading frames.

use crate::event::{BrokerFeatures, BrokerInfo, Event, Outcome};
use crate::exercise::CheckResult;
use crate::summary::Summary;
use crate::validate::{Limits, Problem};
use crate::wire::wire;
use serde::{Deserialize, Serialize};

/// Version of this protocol; bumped on any incompatible change.
pub const PROTOCOL_VERSION: u32 = 4;

/// Messages from the page to the relay.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMessage {
    /// Run a scenario. The scenario travels as raw JSON so that the relay can report every
    /// problem in it with a path, even one the types would refuse to parse.
    Run {
        /// The scenario document.
        scenario: serde_json::Value,
    },
    /// Stop the socket's current run; its vhost is deleted.
    Stop,
    /// Take a new seat in a workshop room (docs/workshop.md): answered with `seat`, or `refused`.
    Join {
        /// The room's join code, in any case, with or without its dash.
        room: String,
        /// The learner's display name: trimmed, unique in the room.
        name: String,
    },
    /// Take one's seat again, after a reload or a relay restart: answered with `seat`, or
    /// `refused`.
    Rejoin {
        /// The seat's secret, from an earlier `seat`.
        seat: String,
    },
    /// Ask for the solution of one of the room's exercises: answered with `solution` once the
    /// room allows it, `refused` before.
    Solution {
        /// The exercise's id.
        exercise: String,
    },
    /// Make this socket the instructor's: answered with `instructor`, or `refused`.
    Instructor {
        /// The instructor's token, as `warren serve --workshop` printed it.
        token: String,
    },
    /// Watch a room's grid (the instructor's socket only): answered with `grid`, again on
    /// every change, or `refused`. Watching another room stops watching the first.
    Watch {
        /// The room's join code.
        room: String,
    },
}

wire! {
    /// Messages from the relay to the page.
    #[wire(tag = "type")]
    #[derive(Debug, Clone, PartialEq)]
    pub enum ServerMessage {
        /// Sent once when the socket opens.
        Hello = "hello" (Hello),
        /// A run was accepted: it starts now, or waits its turn (see `Waiting`).
        Accepted = "accepted" {
            /// Run id, repeated on every later message of the run.
            run_id: String,
        },
        /// The run waits for a free slot: the relay runs as many scenarios as it allows. Sent
        /// after `Accepted` and again whenever the run moves up the line; the run's events follow
        /// when its turn comes.
        Waiting = "waiting" {
            /// Run id.
            run_id: String,
            /// Place in the line, 1 for the next run to start.
            position: u64,
            /// How long the run will likely wait, in milliseconds, from how long recent runs took.
            estimated_wait_ms: u64,
        },
        /// The scenario is invalid; nothing was declared.
        Invalid = "invalid" {
            /// Every problem found.
            problems: Vec<Problem>,
        },
        /// A batch of events, in order.
        Events = "events" {
            /// Run id.
            run_id: String,
            /// The events.
            events: Vec<Event>,
        },
        /// The run ended; no more events follow for it.
        Finished = "finished" {
            /// Run id.
            run_id: String,
            /// How it ended.
            outcome: Outcome,
            /// The summary.
            summary: Summary,
            /// The exercise's checks over this run, in its order, when the scenario is an
            /// exercise; left out otherwise.
            #[wire(omit_empty)]
            checks: Vec<CheckResult>,
        },
        /// A request could not be served (malformed frame, run already active, broker down...).
        Error = "error" {
            /// What went wrong and what to do, in a sentence or two.
            message: String,
        },
    }
}

wire! {
    /// What the relay says first: who it is, which broker it reaches and what it allows.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Hello {
        /// [`PROTOCOL_VERSION`] of the relay.
        pub protocol: u32,
        /// The relay's version.
        pub warren_version: String,
        /// The broker, when it could be reached.
        #[wire(optional)]
        pub broker: Option<BrokerInfo>,
        /// Why the broker could not be reached, when it could not.
        #[wire(optional)]
        pub broker_error: Option<String>,
        /// Limits every scenario must respect.
        pub limits: Limits,
        /// What this broker version does with the features Warren demonstrates.
        #[wire(optional)]
        pub features: Option<BrokerFeatures>,
    }
}

impl Hello {
    /// Whether the relay speaks the protocol this build speaks.
    pub fn protocol_matches(&self) -> bool {
        self.protocol == PROTOCOL_VERSION
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_messages_use_a_type_tag() {
        let stop: ClientMessage = serde_json::from_str(r#"{"type":"stop"}"#).expect("stop");
        assert_eq!(stop, ClientMessage::Stop);
        let run: ClientMessage = serde_json::from_str(r#"{"type":"run","scenario":{"version":1}}"#).expect("run");
        assert!(matches!(run, ClientMessage::Run { .. }));
    }

    #[test]
    fn every_server_message_reads_back_what_was_written() {
        use crate::event::{EventKind, NodeStatus};
        let broker = BrokerInfo {
            version: "4.1.0".into(),
            erlang_version: "27".into(),
            cluster_name: "warren".into(),
            nodes: vec![NodeStatus {
                name: "warren-1@localhost".into(),
                running: true,
            }],
        };
        let messages = [
            ServerMessage::Hello(Hello {
                protocol: PROTOCOL_VERSION,
                warren_version: "0.1.0".into(),
                broker: Some(broker),
                broker_error: None,
                limits: Limits::default(),
                features: Some(BrokerFeatures {
                    quorum_queues: true,
                    notes: vec!["lazy mode is ignored".into()],
                    ..Default::default()
                }),
            }),
            ServerMessage::Hello(Hello {
                protocol: PROTOCOL_VERSION,
                warren_version: "0.1.0".into(),
                broker: None,
                broker_error: Some("connection refused".into()),
                limits: Limits::default(),
                features: None,
            }),
            ServerMessage::Accepted { run_id: "r1".into() },
            ServerMessage::Waiting {
                run_id: "r1".into(),
                position: 3,
                estimated_wait_ms: 12_000,
            },
            ServerMessage::Invalid {
                problems: vec![Problem::new("queues[0].name", "a queue needs a name")],
            },
            ServerMessage::Events {
                run_id: "r1".into(),
                events: vec![Event {
                    t_ms: 3,
                    kind: EventKind::Warning {
                        message: "careful".into(),
                    },
                }],
            },
            ServerMessage::Finished {
                run_id: "r1".into(),
                outcome: Outcome::Completed,
                summary: Summary {
                    published: 2,
                    lost: vec!["p#2".into()],
                    outcome: Some(Outcome::Completed),
                    ..Default::default()
                },
                checks: Vec::new(),
            },
            ServerMessage::Finished {
                run_id: "r2".into(),
                outcome: Outcome::Completed,
                summary: Summary::default(),
                checks: vec![crate::exercise::CheckResult {
                    passed: false,
                    text: crate::exercise::Text::new("2 lost", "丢失 2"),
                    seen: "2".into(),
                    expected: "= 0".into(),
                    ids: vec!["p#1".into(), "p#2".into()],
                }],
            },
            ServerMessage::Error {
                message: "a run is already active".into(),
            },
        ];
        let mut tags = Vec::new();
        for message in messages {
            let value = serde_json::to_value(&message).expect("serialize");
            let tag = value["type"].as_str().expect("tag").to_owned();
            if tags.last() != Some(&tag) {
                tags.push(tag);
            }
            let back: ServerMessage = serde_json::from_str(&value.to_string()).expect("deserialize");
            assert_eq!(back, message, "{value}");
        }
        assert_eq!(
            tags,
            ServerMessage::NAMES,
            "one sample per message type, in declaration order"
        );
        let error = serde_json::from_str::<ServerMessage>(r#"{"type":"bye"}"#).expect_err("must fail");
        assert!(
            error
                .to_string()
                .starts_with("unknown variant `bye`, expected one of `hello`"),
            "{error}"
        );
    }

    /// `finished` without an exercise is written as before the exercise's results existed.
    #[test]
    fn finished_without_checks_keeps_its_bytes() {
        let finished = ServerMessage::Finished {
            run_id: "r1".into(),
            outcome: Outcome::Stopped,
            summary: Summary::default(),
            checks: Vec::new(),
        };
        assert_eq!(
            serde_json::to_string(&finished).expect("serialize"),
            r#"{"type":"finished","run_id":"r1","outcome":"stopped","summary":{"published":0,"acked":0,"nacked":0,"returned":0,"return_codes":{},"unconfirmed":0,"publish_failed":0,"republished":0,"delivered":{},"dead_lettered":0,"left_in_queues":{},"lost":[],"duplicates":[]}}"#
        );
    }
}
