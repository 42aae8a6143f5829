//! The WebSocket protocol between the page and the relay (`GET /ws`, one JSON text frame per
//! message, every message tagged with `type`).
//!
//! The relay speaks first with [`ServerMessage::Hello`], carrying [`PROTOCOL_VERSION`]; a page
//! built for another version says so instead of misreading frames.

use crate::event::{BrokerFeatures, BrokerInfo, Event, Outcome};
use crate::summary::Summary;
use crate::validate::{Limits, Problem};
use serde::{Deserialize, Serialize};

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

/// Messages from the relay to the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
}
