//! The WebSocket protocol between the page and the relay (`GET /ws`, one JSON text frame per
//! message, every message tagged with `type`).
//!
//! The relay speaks first with [`ServerMessage::Hello`], carrying [`PROTOCOL_VERSION`]; a page
//! built for another version says so instead of misreading frames.

use crate::event::{BrokerFeatures, BrokerInfo, Event, Outcome};
use crate::object::Object;
use crate::summary::Summary;
use crate::validate::{Limits, Problem};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};

/// Version of this protocol; bumped on any incompatible change.
pub const PROTOCOL_VERSION: u32 = 2;

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
}

/// Messages from the relay to the page. They are read through [`Object`] rather than derived
/// code, as events are (see `object.rs` for why).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMessage {
    /// Sent once when the socket opens.
    Hello {
        /// [`PROTOCOL_VERSION`] of the relay.
        protocol: u32,
        /// The relay's version.
        warren_version: String,
        /// The broker, when it could be reached.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        broker: Option<BrokerInfo>,
        /// Why the broker could not be reached, when it could not.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        broker_error: Option<String>,
        /// Limits every scenario must respect.
        limits: Limits,
        /// What this broker version does with the features Warren demonstrates.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        features: Option<BrokerFeatures>,
    },
    /// A run was accepted and is starting.
    Accepted {
        /// Run id, repeated on every later message of the run.
        run_id: String,
    },
    /// The scenario is invalid; nothing was declared.
    Invalid {
        /// Every problem found.
        problems: Vec<Problem>,
    },
    /// A batch of events, in order.
    Events {
        /// Run id.
        run_id: String,
        /// The events.
        events: Vec<Event>,
    },
    /// The run ended; no more events follow for it.
    Finished {
        /// Run id.
        run_id: String,
        /// How it ended.
        outcome: Outcome,
        /// The summary.
        summary: Summary,
    },
    /// A request could not be served (malformed frame, run already active, broker down...).
    Error {
        /// What went wrong and what to do, in a sentence or two.
        message: String,
    },
}

impl<'de> Deserialize<'de> for ServerMessage {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Object::read(deserializer, Self::read)
    }
}

impl ServerMessage {
    /// Every `type` tag, in declaration order.
    const TYPES: &'static [&'static str] = &["hello", "accepted", "invalid", "events", "finished", "error"];

    /// Read a message from its object: the `type` tag and the variant's fields.
    fn read(mut o: Object) -> Result<Self, serde_json::Error> {
        Ok(match o.field::<String>("type")?.as_str() {
            "hello" => Self::Hello {
                protocol: o.field("protocol")?,
                warren_version: o.field("warren_version")?,
                broker: o.optional("broker")?,
                broker_error: o.optional("broker_error")?,
                limits: o.field("limits")?,
                features: o.optional("features")?,
            },
            "accepted" => Self::Accepted {
                run_id: o.field("run_id")?,
            },
            "invalid" => Self::Invalid {
                problems: o.field("problems")?,
            },
            "events" => Self::Events {
                run_id: o.field("run_id")?,
                events: o.field("events")?,
            },
            "finished" => Self::Finished {
                run_id: o.field("run_id")?,
                outcome: o.field("outcome")?,
                summary: o.field("summary")?,
            },
            "error" => Self::Error {
                message: o.field("message")?,
            },
            other => return Err(serde_json::Error::unknown_variant(other, Self::TYPES)),
        })
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
            ServerMessage::Hello {
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
            },
            ServerMessage::Hello {
                protocol: PROTOCOL_VERSION,
                warren_version: "0.1.0".into(),
                broker: None,
                broker_error: Some("connection refused".into()),
                limits: Limits::default(),
                features: None,
            },
            ServerMessage::Accepted { run_id: "r1".into() },
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
            ServerMessage::TYPES,
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
}
