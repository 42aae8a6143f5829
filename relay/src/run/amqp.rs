//! Conversions between the scenario's JSON values and AMQP field tables, and between lapin's
//! errors and what a user reads.

use lapin::types::{AMQPValue, FieldArray, FieldTable, LongString, ShortString};
use serde_json::Value;
use warren_shared::Arguments;

/// Header that carries the Warren id besides `message_id`, so the id survives tools that rewrite
/// message properties.
pub const ID_HEADER: &str = "x-warren-id";

/// Turn scenario arguments into an AMQP table.
pub fn field_table(args: &Arguments) -> FieldTable {
    let mut table = FieldTable::default();
    for (key, value) in args {
        table.insert(short(key), amqp_value(value));
    }
    table
}

/// A `ShortString`, truncated at 255 bytes (validation keeps names shorter).
pub fn short(s: &str) -> ShortString {
    let mut end = s.len().min(255);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    ShortString::from(&s[..end])
}

fn amqp_value(value: &Value) -> AMQPValue {
    match value {
        Value::Null => AMQPValue::Void,
        Value::Bool(b) => AMQPValue::Boolean(*b),
        Value::Number(n) => match (n.as_i64(), n.as_f64()) {
            (Some(i), _) => AMQPValue::LongLongInt(i),
            (None, Some(f)) => AMQPValue::Double(f),
            (None, None) => AMQPValue::LongString(LongString::from(n.to_string())),
        },
        Value::String(s) => AMQPValue::LongString(LongString::from(s.as_str())),
        Value::Array(items) => {
            AMQPValue::FieldArray(FieldArray::from(items.iter().map(amqp_value).collect::<Vec<_>>()))
        }
        Value::Object(map) => {
            let mut table = FieldTable::default();
            for (k, v) in map {
                table.insert(short(k), amqp_value(v));
            }
            AMQPValue::FieldTable(table)
        }
    }
}

/// A queue's depth as a passive declaration reports it: exact at the moment RabbitMQ answers,
/// unlike the management API's sampled statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Depth {
    /// Messages ready for delivery.
    pub ready: u64,
    /// Consumers on the queue.
    pub consumers: u64,
}

/// `queue`'s depth, by a passive declaration. RabbitMQ closes the channel when the queue does
/// not exist (404) or cannot be reached.
pub async fn depth(channel: &lapin::Channel, queue: &str) -> lapin::Result<Depth> {
    let declared = declare_passively(channel, queue).await?;
    Ok(Depth {
        ready: u64::from(declared.message_count()),
        consumers: u64::from(declared.consumer_count()),
    })
}

/// How many ready messages `queue` holds, by a passive declaration (see [`depth`]).
pub async fn ready_count(channel: &lapin::Channel, queue: &str) -> lapin::Result<u32> {
    Ok(declare_passively(channel, queue).await?.message_count())
}

async fn declare_passively(channel: &lapin::Channel, queue: &str) -> lapin::Result<lapin::Queue> {
    let options = lapin::options::QueueDeclareOptions {
        passive: true,
        ..Default::default()
    };
    channel
        .queue_declare(short(queue), options, FieldTable::default())
        .await
}

/// A header value as text, when it is a string.
pub fn as_text(value: &AMQPValue) -> Option<String> {
    match value {
        AMQPValue::LongString(s) => Some(String::from_utf8_lossy(s.as_bytes()).into_owned()),
        AMQPValue::ShortString(s) => Some(s.as_str().to_owned()),
        _ => None,
    }
}

/// The first `x-death` entry of a delivery's headers: (queue, reason).
pub fn first_death(headers: &FieldTable) -> Option<(String, String)> {
    let AMQPValue::FieldArray(deaths) = headers.inner().get("x-death")? else {
        return None;
    };
    let AMQPValue::FieldTable(first) = deaths.as_slice().first()? else {
        return None;
    };
    let queue = first.inner().get("queue").and_then(as_text).unwrap_or_default();
    let reason = first.inner().get("reason").and_then(as_text).unwrap_or_default();
    Some((queue, reason))
}

/// The AMQP reply code and RabbitMQ's text for an error the broker sent, when it was one.
pub fn broker_refusal(error: &lapin::Error) -> Option<(u16, String)> {
    match error.kind() {
        lapin::ErrorKind::ProtocolError(amqp) => Some((amqp.get_id(), amqp.get_message().as_str().to_owned())),
        _ => None,
    }
}

/// A readable description of any lapin error.
pub fn describe(error: &lapin::Error) -> String {
    match broker_refusal(error) {
        Some((code, text)) => format!("{code} {text}"),
        None => error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_arguments_become_typed_amqp_values() {
        let args: Arguments = serde_json::from_value(json!({
            "x-max-priority": 10, "alternate-exchange": "backup", "x-flag": true, "x-list": [1, "a"]
        }))
        .expect("arguments");
        let table = field_table(&args);
        let inner = table.inner();
        assert_eq!(inner.get("x-max-priority"), Some(&AMQPValue::LongLongInt(10)));
        assert_eq!(
            inner.get("alternate-exchange").and_then(as_text),
            Some("backup".to_owned())
        );
        assert_eq!(inner.get("x-flag"), Some(&AMQPValue::Boolean(true)));
        assert!(matches!(inner.get("x-list"), Some(AMQPValue::FieldArray(a)) if a.as_slice().len() == 2));
    }

    #[test]
    fn x_death_is_read() {
        let mut death = FieldTable::default();
        death.insert("queue".into(), AMQPValue::LongString("work".into()));
        death.insert("reason".into(), AMQPValue::LongString("rejected".into()));
        let mut headers = FieldTable::default();
        headers.insert(
            "x-death".into(),
            AMQPValue::FieldArray(FieldArray::from(vec![AMQPValue::FieldTable(death)])),
        );
        assert_eq!(first_death(&headers), Some(("work".into(), "rejected".into())));
    }

    #[test]
    fn long_names_are_cut_on_a_char_boundary() {
        let name = "é".repeat(200);
        assert!(short(&name).as_str().len() <= 255);
    }
}
