//! Deserializing a parsed JSON value and saying where its first error is, e.g.
//! `queues[1].durable` or `positions.queue:q.x`.
//!
//! A deserializer over `&serde_json::Value` that records, as an error travels up through it, the
//! key, index or enum variant of each level it leaves. Scalars are read by serde_json's own
//! `&Value` deserializer, so the messages are serde_json's; the paths are written as
//! `serde_path_to_error` writes them. Unlike that crate it wraps no visitor, only the value: for
//! the page's WebAssembly a fraction of the code for the same answer.

use serde::Deserialize;
use serde::de::value::BorrowedStrDeserializer;
use serde::de::{self, DeserializeSeed, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;

/// Deserialize `T` from `value`; on error, where it is (empty for the value as a whole) and what.
pub(crate) fn deserialize<'de, T: Deserialize<'de>>(value: &'de Value) -> Result<T, (String, serde_json::Error)> {
    T::deserialize(Tracked(value)).map_err(|error| (error.path(), error.0.error))
}

/// One step down into a value.
#[derive(Debug)]
enum Segment {
    Index(usize),
    Key(String),
}

/// serde_json's error, with the steps from where it happened up to the root. One pointer wide,
/// like serde_json's own error, so that every `Result` on the way stays small.
#[derive(Debug)]
pub(crate) struct PathError(Box<Located>);

#[derive(Debug)]
struct Located {
    error: serde_json::Error,
    /// Innermost first.
    segments: Vec<Segment>,
}

impl PathError {
    /// Add the step from the parent down to where the error happened.
    fn at(mut self, segment: Segment) -> Self {
        self.0.segments.push(segment);
        self
    }

    /// The steps from the root, written like `a.b[2].c`.
    fn path(&self) -> String {
        let mut path = String::new();
        for segment in self.0.segments.iter().rev() {
            match segment {
                Segment::Index(index) => path.push_str(&format!("[{index}]")),
                Segment::Key(key) => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(key);
                }
            }
        }
        path
    }
}

impl From<serde_json::Error> for PathError {
    fn from(error: serde_json::Error) -> Self {
        Self(Box::new(Located {
            error,
            segments: Vec::new(),
        }))
    }
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.error.fmt(f)
    }
}

impl std::error::Error for PathError {}

// serde_json words some of these its own way (`null` rather than `unit value`): keep its words.
impl de::Error for PathError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        <serde_json::Error as de::Error>::custom(message).into()
    }

    fn invalid_type(unexpected: de::Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        <serde_json::Error as de::Error>::invalid_type(unexpected, expected).into()
    }

    fn invalid_value(unexpected: de::Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        <serde_json::Error as de::Error>::invalid_value(unexpected, expected).into()
    }
}

/// A value being deserialized; compound values hand out tracked parts.
#[derive(Clone, Copy)]
struct Tracked<'de>(&'de Value);

impl<'de> Tracked<'de> {
    fn visit_array<V: Visitor<'de>>(array: &'de [Value], visitor: V) -> Result<V::Value, PathError> {
        let mut seq = Elements {
            iter: array.iter().enumerate(),
        };
        let value = visitor.visit_seq(&mut seq)?;
        if seq.iter.len() == 0 {
            Ok(value)
        } else {
            Err(de::Error::invalid_length(array.len(), &"fewer elements in array"))
        }
    }

    fn visit_object<V: Visitor<'de>>(object: &'de Map<String, Value>, visitor: V) -> Result<V::Value, PathError> {
        let mut map = Entries {
            iter: object.iter(),
            value: None,
        };
        let value = visitor.visit_map(&mut map)?;
        if map.iter.len() == 0 {
            Ok(value)
        } else {
            Err(de::Error::invalid_length(object.len(), &"fewer elements in map"))
        }
    }
}

/// Scalars (and values of the wrong kind) go to serde_json's own deserializer.
macro_rules! scalars {
    ($($method:ident)*) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, PathError> {
            Ok(self.0.$method(visitor)?)
        })*
    };
}

impl<'de> de::Deserializer<'de> for Tracked<'de> {
    type Error = PathError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, PathError> {
        match self.0 {
            Value::Array(array) => Self::visit_array(array, visitor),
            Value::Object(object) => Self::visit_object(object, visitor),
            Value::Null => visitor.visit_unit(),
            Value::Bool(value) => visitor.visit_bool(*value),
            Value::Number(number) => Ok(number.deserialize_any(visitor)?),
            Value::String(text) => visitor.visit_borrowed_str(text),
        }
    }

    scalars! {
        deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128 deserialize_f32
        deserialize_f64 deserialize_char deserialize_str deserialize_string deserialize_bytes
        deserialize_byte_buf deserialize_unit deserialize_identifier deserialize_ignored_any
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, PathError> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value, PathError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value, PathError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, PathError> {
        match self.0 {
            Value::Array(array) => Self::visit_array(array, visitor),
            other => Err(wrong_kind(other, &visitor)),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value, PathError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: usize,
        visitor: V,
    ) -> Result<V::Value, PathError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, PathError> {
        match self.0 {
            Value::Object(object) => Self::visit_object(object, visitor),
            other => Err(wrong_kind(other, &visitor)),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, PathError> {
        match self.0 {
            Value::Array(array) => Self::visit_array(array, visitor),
            Value::Object(object) => Self::visit_object(object, visitor),
            other => Err(wrong_kind(other, &visitor)),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, PathError> {
        match self.0 {
            Value::String(variant) => visitor.visit_enum(Variant { variant, value: None }),
            Value::Object(object) if object.len() == 1 => match object.iter().next() {
                Some((variant, value)) => visitor.visit_enum(Variant {
                    variant,
                    value: Some(value),
                }),
                None => Err(de::Error::invalid_value(de::Unexpected::Map, &"map with a single key")),
            },
            Value::Object(_) => Err(de::Error::invalid_value(de::Unexpected::Map, &"map with a single key")),
            other => Err(de::Error::invalid_type(unexpected(other), &"string or map")),
        }
    }
}

/// What serde_json calls a value of the wrong kind.
fn unexpected(value: &Value) -> de::Unexpected<'_> {
    match value {
        Value::Null => de::Unexpected::Unit,
        Value::Bool(value) => de::Unexpected::Bool(*value),
        Value::Number(number) => match (number.as_u64(), number.as_i64(), number.as_f64()) {
            (Some(n), _, _) => de::Unexpected::Unsigned(n),
            (None, Some(n), _) => de::Unexpected::Signed(n),
            (None, None, n) => de::Unexpected::Float(n.unwrap_or(f64::NAN)),
        },
        Value::String(text) => de::Unexpected::Str(text),
        Value::Array(_) => de::Unexpected::Seq,
        Value::Object(_) => de::Unexpected::Map,
    }
}

/// The error for a value of the wrong kind, in serde_json's words. (Handing such a value to
/// serde_json's own deserializer would say the same, but would also build its array and object
/// readers for every visitor: twice the code.)
fn wrong_kind(value: &Value, expected: &dyn de::Expected) -> PathError {
    de::Error::invalid_type(unexpected(value), expected)
}

/// An array's elements, each tracked by its index.
struct Elements<'de> {
    iter: std::iter::Enumerate<std::slice::Iter<'de, Value>>,
}

impl<'de> SeqAccess<'de> for Elements<'de> {
    type Error = PathError;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, PathError> {
        match self.iter.next() {
            Some((index, value)) => seed
                .deserialize(Tracked(value))
                .map(Some)
                .map_err(|error| error.at(Segment::Index(index))),
            None => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

/// An object's entries, each key and value tracked by the key.
struct Entries<'de> {
    iter: serde_json::map::Iter<'de>,
    value: Option<(&'de String, &'de Value)>,
}

impl<'de> MapAccess<'de> for Entries<'de> {
    type Error = PathError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, PathError> {
        let Some((key, value)) = self.iter.next() else {
            return Ok(None);
        };
        self.value = Some((key, value));
        seed.deserialize(BorrowedStrDeserializer::new(key))
            .map(Some)
            .map_err(|error: PathError| error.at(Segment::Key(key.clone())))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, PathError> {
        match self.value.take() {
            Some((key, value)) => seed
                .deserialize(Tracked(value))
                .map_err(|error| error.at(Segment::Key(key.clone()))),
            None => Err(de::Error::custom("value is missing")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

/// An externally tagged enum written as `{"variant": value}` (or a unit variant as `"variant"`);
/// the variant is a step of the path.
struct Variant<'de> {
    variant: &'de String,
    value: Option<&'de Value>,
}

impl Variant<'_> {
    fn at(&self, error: PathError) -> PathError {
        error.at(Segment::Key(self.variant.clone()))
    }
}

impl<'de> EnumAccess<'de> for Variant<'de> {
    type Error = PathError;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self), PathError> {
        let variant = seed.deserialize(BorrowedStrDeserializer::<PathError>::new(self.variant))?;
        Ok((variant, self))
    }
}

impl<'de> VariantAccess<'de> for Variant<'de> {
    type Error = PathError;

    fn unit_variant(self) -> Result<(), PathError> {
        match self.value {
            Some(value) => <()>::deserialize(Tracked(value)).map_err(|error| self.at(error)),
            None => Ok(()),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, PathError> {
        match self.value {
            Some(value) => seed.deserialize(Tracked(value)).map_err(|error| self.at(error)),
            None => Err(self.at(de::Error::invalid_type(de::Unexpected::UnitVariant, &"newtype variant"))),
        }
    }

    fn tuple_variant<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value, PathError> {
        match self.value {
            Some(Value::Array(array)) => Tracked::visit_array(array, visitor).map_err(|error| self.at(error)),
            Some(other) => Err(self.at(de::Error::invalid_type(unexpected(other), &"tuple variant"))),
            None => Err(self.at(de::Error::invalid_type(de::Unexpected::UnitVariant, &"tuple variant"))),
        }
    }

    fn struct_variant<V: Visitor<'de>>(self, _: &'static [&'static str], visitor: V) -> Result<V::Value, PathError> {
        match self.value {
            Some(Value::Object(object)) => Tracked::visit_object(object, visitor).map_err(|error| self.at(error)),
            Some(other) => Err(self.at(de::Error::invalid_type(unexpected(other), &"struct variant"))),
            None => Err(self.at(de::Error::invalid_type(de::Unexpected::UnitVariant, &"struct variant"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::scenario::Scenario;
    use serde_json::json;

    /// Where and what, as `parse_scenario` reports it.
    fn problem(document: &serde_json::Value) -> (String, String) {
        let (path, error) = super::deserialize::<Scenario>(document).expect_err("must fail");
        (path, error.to_string())
    }

    #[test]
    fn paths_name_keys_indexes_and_variants_as_serde_path_to_error_does() {
        let cases = [
            (json!({}), "", "missing field `version`"),
            (json!(null), "", "invalid type: null, expected struct Scenario"),
            (
                json!({"version": 1, "bogus": 2}),
                "bogus",
                "unknown field `bogus`, expected one of `version`",
            ),
            (
                json!({"version": 1, "settings": {"settle_ms": "x"}}),
                "settings.settle_ms",
                "invalid type: string \"x\", expected u64",
            ),
            (
                json!({"version": 1, "queues": [{"name": "q"}, {"name": "r", "durable": "yes"}]}),
                "queues[1].durable",
                "invalid type: string \"yes\", expected a boolean",
            ),
            (
                json!({"version": 1, "queues": [{"durable": true}]}),
                "queues[0]",
                "missing field `name`",
            ),
            (
                json!({"version": 1, "queues": {"name": "q"}}),
                "queues",
                "invalid type: map, expected a sequence",
            ),
            (
                json!({"version": 1, "exchanges": [{"name": "x", "type": 5}]}),
                "exchanges[0].type",
                "invalid type: integer `5`, expected string or map",
            ),
            (
                json!({"version": 1, "publishers": [{"name": "p", "exchange": "", "count": 1, "start": {"at_ms": "x"}}]}),
                "publishers[0].start.at_ms",
                "invalid type: string \"x\", expected u64",
            ),
            (
                json!({"version": 1, "publishers": [{"name": "p", "exchange": "", "count": 1, "start": {"at_ms": 1, "after": "c"}}]}),
                "publishers[0].start",
                "invalid value: map, expected map with a single key",
            ),
            (
                json!({"version": 1, "publishers": [{"name": "p", "exchange": "", "count": 1, "start": "later"}]}),
                "publishers[0].start",
                "unknown variant `later`, expected one of `at_ms`, `after`, `on_step`",
            ),
            (
                json!({"version": 1, "consumers": [{"name": "c", "queue": "q", "rules": [{"when": {"priority_at_least": 300}, "action": "nack"}]}]}),
                "consumers[0].rules[0].when.priority_at_least",
                "invalid value: integer `300`, expected u8",
            ),
            (
                json!({"version": 1, "positions": {"queue:q": {"x": 1, "y": 2, "z": 3}}}),
                "positions.queue:q.z",
                "unknown field `z`, expected `x` or `y`",
            ),
            (
                json!({"version": 1, "timeline": [{"action": "stop", "at_ms": 5, "actor": "p"}, {"action": "explode"}]}),
                "timeline[1].action",
                "unknown variant `explode`",
            ),
        ];
        for (document, path, message) in cases {
            let (got_path, got_message) = problem(&document);
            assert_eq!(got_path, path, "{document}");
            assert!(got_message.starts_with(message), "{document}: {got_message}");
        }
    }

    #[test]
    fn what_serde_json_accepts_is_accepted() {
        let document = json!({
            "version": 1,
            "queues": [{"name": "q", "node": null, "arguments": {"x-max-priority": 10}}],
            "publishers": [{"name": "p", "exchange": "", "count": 1, "rate_per_sec": 2.5, "start": "on_step",
                            "headers": {"a": [1, {"b": null}]}}],
            "consumers": [{"name": "c", "queue": "q", "start": {"after": "p"},
                           "rules": [{"when": {"every_nth": 3}, "action": "nack"}]}],
            "positions": {"queue:q": {"x": 1.5, "y": 2}},
        });
        let tracked: Scenario = super::deserialize(&document).expect("tracked");
        let plain: Scenario = serde_json::from_value(document).expect("plain");
        assert_eq!(tracked, plain);
    }
}
