//! What the page knows about its relay, as plain data with methods.
//!
//! The inbox ([`crate::inbox`]) feeds in what the socket brings ([`Status::opened`],
//! [`Status::hello`], [`Status::unreadable`], [`Status::closed`]); components only read. Keeping
//! this free of web-sys lets it run in host unit tests.

use crate::i18n::{Lang, Text};
use warren_shared::{Hello, Limits, PROTOCOL_VERSION, say};

/// The state of the WebSocket to the relay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Connection {
    /// The socket is opening.
    Connecting,
    /// The socket is open.
    Connected,
    /// The socket is closed, or never opened.
    Disconnected {
        /// A sentence saying why, for the user.
        reason: String,
    },
}

impl Connection {
    /// What the page says of the state.
    pub fn words(&self) -> Text {
        match self {
            Self::Connecting => Text::Connecting,
            Self::Connected => Text::Connected,
            Self::Disconnected { .. } => Text::Disconnected,
        }
    }

    /// The state's name for `data-state` and styles: `connecting`, `connected` or `disconnected`.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Connecting => "connecting",
            Self::Connected => "connected",
            Self::Disconnected { .. } => "disconnected",
        }
    }
}

/// The warning when the relay speaks another protocol than this page.
pub const PROTOCOL_MISMATCH: &str = "The relay speaks protocol {relay} but this page was built for protocol {page}. \
Reload the page; if this stays, rebuild the frontend (cargo xtask build-frontend) and restart the relay.";

/// The relay's limits as `(label, value)` rows, in the order the page shows them.
pub fn limit_rows(l: &Limits) -> Vec<(Text, String)> {
    vec![
        (Text::LimitExchanges, count(l.max_exchanges as u64)),
        (Text::LimitQueues, count(l.max_queues as u64)),
        (Text::LimitBindings, count(l.max_bindings as u64)),
        (Text::LimitPolicies, count(l.max_policies as u64)),
        (Text::LimitActors, count(l.max_actors as u64)),
        (Text::LimitSteps, count(l.max_steps as u64)),
        (Text::LimitMessages, count(l.max_messages)),
        (Text::LimitRunTime, duration_ms(l.max_duration_ms)),
        (Text::LimitBody, bytes(l.max_body_bytes as u64)),
    ]
}

/// Everything the page shows about its relay.
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    /// Where the socket goes, e.g. `ws://127.0.0.1:8080/ws`.
    pub url: String,
    /// The socket's state.
    pub connection: Connection,
    /// Whether the socket ever opened; tells "unreachable" from "lost" when it closes.
    pub was_open: bool,
    /// The last hello; kept after a disconnect so the page still shows what it knew.
    pub hello: Option<Hello>,
    /// The relay's protocol version when its hello could not even be decoded.
    pub unreadable_protocol: Option<u32>,
    /// The last error the relay reported, or a frame the page could not read.
    pub last_error: Option<String>,
}

impl Status {
    /// A socket to `url` is being opened.
    pub fn connecting(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            connection: Connection::Connecting,
            was_open: false,
            hello: None,
            unreadable_protocol: None,
            last_error: None,
        }
    }

    /// The socket could not even be created (for instance a malformed URL).
    pub fn failed_to_open(url: impl Into<String>, why: &str) -> Self {
        let url = url.into();
        let reason = format!("{}{url}: {why}", Text::CouldNotOpenSocket.text(Lang::En));
        Self {
            connection: Connection::Disconnected { reason },
            ..Self::connecting(url)
        }
    }

    /// The socket opened.
    pub fn opened(&mut self) {
        self.connection = Connection::Connected;
        self.was_open = true;
    }

    /// The relay said hello.
    pub fn hello(&mut self, hello: Hello) {
        self.unreadable_protocol = None;
        self.hello = Some(hello);
    }

    /// A text frame could not be decoded (`error`): a hello of another protocol says which one,
    /// anything else is reported.
    pub fn unreadable(&mut self, text: &str, error: &dyn std::fmt::Display) {
        match hello_protocol(text) {
            Some(protocol) if protocol != PROTOCOL_VERSION => {
                self.hello = None;
                self.unreadable_protocol = Some(protocol);
            }
            _ => self.last_error = Some(format!("{}{error}", Text::CouldNotReadMessage.text(Lang::En))),
        }
    }

    /// The socket closed with a WebSocket close `code` and `reason`.
    pub fn closed(&mut self, code: u16, reason: &str) {
        let reason = reason.trim();
        let sentence = match (self.was_open, code) {
            (false, _) => format!("{}{}", Text::CouldNotReachRelay.text(Lang::En), self.url),
            (true, 1006) => Text::ConnectionToRelayLost.text(Lang::En).to_owned(),
            (true, 1001) if reason.is_empty() => Text::RelayWentAway.text(Lang::En).to_owned(),
            (true, _) if reason.is_empty() => Text::RelayClosedConnection.text(Lang::En).to_owned(),
            (true, _) => format!("{}: {reason}", Text::RelayClosedConnection.text(Lang::En)),
        };
        self.connection = Connection::Disconnected {
            reason: format!("{sentence} (close code {code})"),
        };
    }

    /// A warning when the relay speaks another protocol than this page, `None` when they agree
    /// or nothing is known yet.
    pub fn protocol_warning(&self) -> Option<String> {
        let relay = match (&self.hello, self.unreadable_protocol) {
            (Some(hello), _) if !hello.protocol_matches() => hello.protocol,
            (None, Some(protocol)) => protocol,
            _ => return None,
        };
        Some(say!(PROTOCOL_MISMATCH, relay, page = PROTOCOL_VERSION))
    }
}

/// The `protocol` field of a frame that looks like a hello, without decoding the rest.
fn hello_protocol(text: &str) -> Option<u32> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    if value.get("type")?.as_str()? != "hello" {
        return None;
    }
    u32::try_from(value.get("protocol")?.as_u64()?).ok()
}

/// `200000` → `200,000`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `600000` → `10 min`, `90000` → `90 s`, `1500` → `1,500 ms`.
pub fn duration_ms(ms: u64) -> String {
    if ms >= 60_000 && ms.is_multiple_of(60_000) {
        format!("{} min", count(ms / 60_000))
    } else if ms >= 1_000 && ms.is_multiple_of(1_000) {
        format!("{} s", count(ms / 1_000))
    } else {
        format!("{} ms", count(ms))
    }
}

/// `65536` → `64 KiB`, `1048576` → `1 MiB`, `1000` → `1,000 bytes`.
pub fn bytes(n: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * 1024;
    if n >= MIB && n.is_multiple_of(MIB) {
        format!("{} MiB", count(n / MIB))
    } else if n >= KIB && n.is_multiple_of(KIB) {
        format!("{} KiB", count(n / KIB))
    } else {
        format!("{} bytes", count(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use warren_shared::{BrokerInfo, NodeStatus};

    fn hello(protocol: u32) -> Hello {
        Hello {
            protocol,
            warren_version: "0.1.0".into(),
            broker: Some(BrokerInfo {
                version: "3.12.1".into(),
                erlang_version: "25.3".into(),
                cluster_name: "warren".into(),
                nodes: vec![NodeStatus {
                    name: "warren-1@localhost".into(),
                    running: true,
                }],
            }),
            broker_error: None,
            limits: Limits::default(),
            features: None,
        }
    }

    #[test]
    fn a_hello_is_kept() {
        let mut status = Status::connecting("ws://x/ws");
        status.opened();
        status.hello(hello(PROTOCOL_VERSION));
        let kept = status.hello.as_ref().expect("hello");
        assert_eq!(kept.broker.as_ref().map(|b| b.version.as_str()), Some("3.12.1"));
        assert_eq!(status.protocol_warning(), None);
        assert_eq!(status.connection, Connection::Connected);
    }

    #[test]
    fn another_protocol_is_reported_even_when_the_hello_cannot_be_decoded() {
        let mut status = Status::connecting("ws://x/ws");
        status.unreadable(r#"{"type":"hello","protocol":99,"something":"new"}"#, &"unknown field");
        assert_eq!(status.unreadable_protocol, Some(99));
        let warning = status.protocol_warning().expect("warning");
        assert!(warning.contains("protocol 99"), "{warning}");

        let mut status = Status::connecting("ws://x/ws");
        status.hello(hello(PROTOCOL_VERSION + 1));
        assert!(status.protocol_warning().is_some());
    }

    #[test]
    fn garbage_is_reported_not_fatal() {
        let mut status = Status::connecting("ws://x/ws");
        status.unreadable("not json", &"expected value");
        assert!(
            status
                .last_error
                .as_deref()
                .unwrap_or_default()
                .starts_with("could not read")
        );
    }

    #[test]
    fn close_reasons_tell_unreachable_from_lost() {
        let mut status = Status::connecting("ws://127.0.0.1:1/ws");
        status.closed(1006, "");
        assert_eq!(
            status.connection,
            Connection::Disconnected {
                reason: "could not reach the relay at ws://127.0.0.1:1/ws (close code 1006)".into()
            }
        );

        status.opened();
        status.closed(1006, "");
        assert_eq!(status.connection.label(), "disconnected");
        let Connection::Disconnected { reason } = &status.connection else {
            panic!("not disconnected");
        };
        assert!(reason.starts_with("the connection to the relay was lost"), "{reason}");

        status.closed(1011, "broker gone");
        let Connection::Disconnected { reason } = &status.connection else {
            panic!("not disconnected");
        };
        assert!(reason.contains("broker gone"), "{reason}");
    }

    #[test]
    fn numbers_read_well() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(200_000), "200,000");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(duration_ms(600_000), "10 min");
        assert_eq!(duration_ms(90_000), "90 s");
        assert_eq!(duration_ms(1_500), "1,500 ms");
        assert_eq!(bytes(65_536), "64 KiB");
        assert_eq!(bytes(1_048_576), "1 MiB");
        assert_eq!(bytes(1_000), "1,000 bytes");
    }
}
