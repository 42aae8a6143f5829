//! Wire types declared once: the Rust type, its tags, its reader and its writer from one list.
//!
//! The relay's messages and events, the structs they carry, and the scenario's steps, priority
//! rules and confirm modes are JSON objects; the enums among them are tagged with a field such as
//! `type`. Each is declared once, with [`wire!`], as the Rust type it is, every variant with its
//! tag and every field with how it travels. The declaration gives the type:
//! - for an enum, `NAMES` (every tag, in declaration order) and `name()` (the tag of a value);
//! - a reader over [`Object`] (see `object.rs` for why not serde's derived code);
//! - a writer that hands serde's `SerializeStruct` the tag first, then the fields in declaration
//!   order, as serde's derived code did.
//!
//! A field's name on the wire is its Rust name. Field attributes, after its doc comment:
//! - none: required, always written;
//! - `#[wire(optional)]` (an `Option`): absent or `null` reads as `None`; `None` is left out;
//! - `#[wire(default)]`: absent or `null` reads as the type's default; always written;
//! - `#[wire(omit_empty)]` (a `Vec`): absent or `null` reads as empty; an empty list is left out;
//! - `#[wire(flatten)]` (a [`Fields`] type): its fields stand in this object.
//!
//! An enum says `#[wire(tag = "…")]` after its doc comment, and its variants `Name = "tag"`,
//! with fields in braces or one [`Fields`] type in parentheses (its fields stand beside the tag).
//! Unknown fields are ignored and only objects are read, unless the enum adds:
//! - `array_form`: an array is read too (the tag, then the fields in order), and a wrong tag is
//!   reported at the tag's own path, as serde's derived code does for an internally tagged enum;
//! - `deny_unknown_fields`: a field the variant does not have is refused, except beside a unit
//!   variant's tag, where serde's derived code ignored anything.
//!
//! [`by_name!`] declares a field-less enum that travels as a string of its name.

use crate::object::Object;
use serde::ser::SerializeStruct;
use serde::{Deserializer, Serializer};

/// A value whose JSON is one object: read from an [`Object`] and written into a struct being
/// serialized, so that a tagged enum's variant or another struct can hold its fields as its own.
pub(crate) trait Fields: Sized {
    /// Take the value's fields (an enum's tag first) out of `o`.
    fn read(o: &mut Object) -> Result<Self, serde_json::Error>;

    /// How many fields [`Fields::write`] writes.
    fn field_count(&self) -> usize;

    /// Write the fields, an enum's tag first.
    fn write<S: SerializeStruct>(&self, s: &mut S) -> Result<(), S::Error>;
}

/// Serialize a [`Fields`] value as a struct named `name`.
pub(crate) fn serialize<T: Fields, S: Serializer>(
    value: &T,
    name: &'static str,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut s = serializer.serialize_struct(name, value.field_count())?;
    value.write(&mut s)?;
    s.end()
}

/// Deserialize a [`Fields`] value from an object (anything else is an `invalid type` error).
pub(crate) fn deserialize<'de, T: Fields, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    Object::read(deserializer, |mut o| T::read(&mut o))
}

/// Declares a wire struct or tagged enum and its reader and writer (see the module's doc).
macro_rules! wire {
    // How one field is read, counted and written, by its attribute.
    (@read $o:ident, $name:ident, $ty:ty) => { $o.field(stringify!($name))? };
    (@read $o:ident, $name:ident, $ty:ty, optional) => { $o.optional(stringify!($name))? };
    (@read $o:ident, $name:ident, $ty:ty, default) => { $o.optional(stringify!($name))?.unwrap_or_default() };
    (@read $o:ident, $name:ident, $ty:ty, omit_empty) => { $o.optional(stringify!($name))?.unwrap_or_default() };
    (@read $o:ident, $name:ident, $ty:ty, flatten) => { <$ty as $crate::wire::Fields>::read($o)? };

    (@count $value:expr) => { { let _ = $value; 1 } };
    (@count $value:expr, optional) => { usize::from($value.is_some()) };
    (@count $value:expr, default) => { { let _ = $value; 1 } };
    (@count $value:expr, omit_empty) => { usize::from(!$value.is_empty()) };
    (@count $value:expr, flatten) => { $crate::wire::Fields::field_count($value) };

    (@write $s:ident, $name:ident, $value:expr) => {
        ::serde::ser::SerializeStruct::serialize_field($s, stringify!($name), $value)?
    };
    (@write $s:ident, $name:ident, $value:expr, optional) => {
        if $value.is_some() {
            ::serde::ser::SerializeStruct::serialize_field($s, stringify!($name), $value)?;
        }
    };
    (@write $s:ident, $name:ident, $value:expr, default) => {
        ::serde::ser::SerializeStruct::serialize_field($s, stringify!($name), $value)?
    };
    (@write $s:ident, $name:ident, $value:expr, omit_empty) => {
        if !$value.is_empty() {
            ::serde::ser::SerializeStruct::serialize_field($s, stringify!($name), $value)?;
        }
    };
    (@write $s:ident, $name:ident, $value:expr, flatten) => { $crate::wire::Fields::write($value, $s)? };

    // An enum's options: only these two exist.
    (@options) => {};
    (@options array_form $($rest:ident)*) => { $crate::wire::wire!(@options $($rest)*); };
    (@options deny_unknown_fields $($rest:ident)*) => { $crate::wire::wire!(@options $($rest)*); };

    // Whether the options say `deny_unknown_fields`.
    (@deny) => { false };
    (@deny deny_unknown_fields $($rest:ident)*) => { true };
    (@deny $other:ident $($rest:ident)*) => { $crate::wire::wire!(@deny $($rest)*) };

    // After a variant's fields, refuse the rest if `$deny`; a unit variant (no shape after
    // `$deny`) ignores whatever stands beside its tag, as serde's derived code did.
    (@deny_rest $o:ident, $deny:ident) => {};
    (@deny_rest $o:ident, $deny:ident $shape:tt) => {
        if $deny {
            $o.deny_unknown_fields()?;
        }
    };

    // An enum's `Deserialize`, by whether it reads the array form.
    (@deserialize $name:ident, $tag_field:literal, array_form $($rest:ident)*) => {
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let (tag, mut o) = $crate::object::Object::tagged(
                    deserializer,
                    $tag_field,
                    Self::NAMES,
                    concat!("internally tagged enum ", stringify!($name)),
                )?;
                Self::read_variant(&tag, &mut o).map_err(<D::Error as ::serde::de::Error>::custom)
            }
        }
    };
    (@deserialize $name:ident, $tag_field:literal, $other:ident $($rest:ident)*) => {
        $crate::wire::wire!(@deserialize $name, $tag_field, $($rest)*);
    };
    (@deserialize $name:ident, $tag_field:literal,) => { $crate::wire::wire!(@deserialize_object $name); };

    // A `Deserialize` from an object through `Fields::read`.
    (@deserialize_object $name:ident) => {
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::wire::deserialize(deserializer)
            }
        }
    };

    // The binding of a newtype variant's value: a name from the caller, so that the pattern and
    // the code using it agree (a name made up here would be invisible there).
    (@binding $binding:ident, $($ty:tt)*) => { $binding };

    // A `Serialize` through `Fields::write`.
    (@serialize $name:ident) => {
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                $crate::wire::serialize(self, stringify!($name), serializer)
            }
        }
    };

    // A tagged enum.
    (
        $(#[doc = $doc:literal])*
        #[wire(tag = $tag_field:literal $(, $option:ident)* $(,)?)]
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $(
                $(#[$variant_meta:meta])*
                $variant:ident = $tag:literal
                $({
                    $(
                        $(#[doc = $field_doc:literal])*
                        $(#[wire($mode:ident)])?
                        $field:ident : $ty:ty
                    ),* $(,)?
                })?
                $(($inner:ty))?
            ),* $(,)?
        }
    ) => {
        $crate::wire::wire!(@options $($option)*);

        $(#[doc = $doc])*
        $(#[$meta])*
        $vis enum $name {
            $(
                $(#[$variant_meta])*
                $variant $({ $($(#[doc = $field_doc])* $field: $ty,)* })? $(($inner))?,
            )*
        }

        impl $name {
            /// Every tag, in declaration order.
            pub const NAMES: &'static [&'static str] = &[$($tag),*];

            /// The tag on the wire.
            pub fn name(&self) -> &'static str {
                match self {
                    $(Self::$variant { .. } => $tag,)*
                }
            }

            /// Read the variant tagged `tag` from the rest of its object.
            fn read_variant(tag: &str, o: &mut $crate::object::Object) -> Result<Self, serde_json::Error> {
                const DENY_UNKNOWN_FIELDS: bool = $crate::wire::wire!(@deny $($option)*);
                match tag {
                    $(
                        $tag => {
                            let value = Self::$variant
                                $({ $($field: $crate::wire::wire!(@read o, $field, $ty $(, $mode)?),)* })?
                                $((<$inner as $crate::wire::Fields>::read(o)?))?;
                            $crate::wire::wire!(@deny_rest o, DENY_UNKNOWN_FIELDS $({ $($field)* })? $(($inner))?);
                            Ok(value)
                        }
                    )*
                    other => Err(<serde_json::Error as ::serde::de::Error>::unknown_variant(other, Self::NAMES)),
                }
            }
        }

        impl $crate::wire::Fields for $name {
            fn read(o: &mut $crate::object::Object) -> Result<Self, serde_json::Error> {
                let tag: String = o.field($tag_field)?;
                Self::read_variant(&tag, o)
            }

            fn field_count(&self) -> usize {
                match self {
                    $(
                        Self::$variant {
                            $($($field,)*)?
                            $(0: $crate::wire::wire!(@binding inner, $inner),)?
                            ..
                        } => {
                            1 $($(+ $crate::wire::wire!(@count $field $(, $mode)?))*)?
                                $(+ $crate::wire::Fields::field_count($crate::wire::wire!(@binding inner, $inner)))?
                        }
                    )*
                }
            }

            fn write<S: ::serde::ser::SerializeStruct>(&self, s: &mut S) -> Result<(), S::Error> {
                match self {
                    $(
                        Self::$variant {
                            $($($field,)*)?
                            $(0: $crate::wire::wire!(@binding inner, $inner),)?
                            ..
                        } => {
                            s.serialize_field($tag_field, $tag)?;
                            $($($crate::wire::wire!(@write s, $field, $field $(, $mode)?);)*)?
                            $($crate::wire::Fields::write($crate::wire::wire!(@binding inner, $inner), s)?;)?
                        }
                    )*
                }
                Ok(())
            }
        }

        $crate::wire::wire!(@serialize $name);
        $crate::wire::wire!(@deserialize $name, $tag_field, $($option)*);
    };

    // A struct; unknown fields are ignored.
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident {
            $(
                $(#[doc = $field_doc:literal])*
                $(#[wire($mode:ident)])?
                $field_vis:vis $field:ident : $ty:ty
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        $vis struct $name {
            $($(#[doc = $field_doc])* $field_vis $field: $ty,)*
        }

        impl $crate::wire::Fields for $name {
            fn read(o: &mut $crate::object::Object) -> Result<Self, serde_json::Error> {
                Ok(Self {
                    $($field: $crate::wire::wire!(@read o, $field, $ty $(, $mode)?),)*
                })
            }

            fn field_count(&self) -> usize {
                0 $(+ $crate::wire::wire!(@count &self.$field $(, $mode)?))*
            }

            fn write<S: ::serde::ser::SerializeStruct>(&self, s: &mut S) -> Result<(), S::Error> {
                $($crate::wire::wire!(@write s, $field, &self.$field $(, $mode)?);)*
                Ok(())
            }
        }

        $crate::wire::wire!(@serialize $name);
        $crate::wire::wire!(@deserialize_object $name);
    };
}
pub(crate) use wire;

/// Declares a field-less enum written as its name (`"completed"`), read and written by hand: for
/// the page's WebAssembly a match on a string instead of serde's derived visitors. Gives the type
/// `NAMES` and `as_str`. An unknown name is refused with serde's `unknown variant` message.
macro_rules! by_name {
    (
        $(#[$meta:meta])*
        $vis:vis enum $ty:ident {
            $(
                $(#[doc = $doc:literal])*
                $variant:ident = $name:literal
            ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        $vis enum $ty {
            $($(#[doc = $doc])* $variant,)+
        }

        impl $ty {
            /// Every name, in declaration order.
            pub const NAMES: &'static [&'static str] = &[$($name),+];

            /// The name on the wire.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $name),+
                }
            }
        }

        impl ::serde::Serialize for $ty {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let name = <String as ::serde::Deserialize>::deserialize(deserializer)?;
                match name.as_str() {
                    $($name => Ok(Self::$variant),)+
                    other => Err(::serde::de::Error::unknown_variant(other, Self::NAMES)),
                }
            }
        }
    };
}
pub(crate) use by_name;

#[cfg(test)]
mod tests {
    use crate::event::{BrokerInfo, Event, EventKind, QueueSnapshot};
    use crate::protocol::{Hello, ServerMessage};
    use crate::scenario::{ApplyTo, Arguments, ConfirmMode, Policy, PriorityRule, Step};
    use crate::validate::Limits;
    use serde::Serialize;

    /// The JSON text of `value`, the same whether written directly or through a `Value` (as the
    /// page writes scenarios).
    fn text<T: Serialize>(value: &T) -> String {
        let direct = serde_json::to_string(value).expect("serialize");
        let through_value = serde_json::to_value(value).expect("serialize to a value").to_string();
        assert_eq!(direct, through_value);
        direct
    }

    /// The bytes serde's derived code wrote: the tag first, then the fields in declaration
    /// order; `optional` and `omit_empty` fields left out when empty, `default` fields always
    /// written, flattened and newtype fields inline.
    #[test]
    fn the_writer_writes_what_the_derived_code_wrote() {
        let s = |text: &str| text.to_owned();
        let published = |priority, mandatory| EventKind::Published {
            publisher: s("p"),
            id: s("p#1"),
            exchange: s("x"),
            routing_key: s("k"),
            priority,
            persistent: true,
            mandatory,
        };
        assert_eq!(
            text(&Event {
                t_ms: 7,
                kind: published(Some(5), false),
            }),
            r#"{"t_ms":7,"type":"published","publisher":"p","id":"p#1","exchange":"x","routing_key":"k","priority":5,"persistent":true,"mandatory":false}"#
        );
        assert_eq!(
            text(&published(None, true)),
            r#"{"type":"published","publisher":"p","id":"p#1","exchange":"x","routing_key":"k","persistent":true,"mandatory":true}"#
        );
        assert_eq!(
            text(&Event {
                t_ms: 17,
                kind: EventKind::QueueSnapshot(QueueSnapshot {
                    queue: s("q"),
                    ..Default::default()
                }),
            }),
            r#"{"t_ms":17,"type":"queue_snapshot","queue":"q","messages":0,"ready":0,"unacked":0,"in_ram":0,"paged_out":0,"persistent":0}"#
        );
        assert_eq!(
            text(&QueueSnapshot {
                queue: s("q"),
                messages: 5,
                ready: 5,
                consumers: Some(0),
                ready_at_ms: Some(40),
                ..Default::default()
            }),
            r#"{"queue":"q","messages":5,"ready":5,"unacked":0,"consumers":0,"ready_at_ms":40,"in_ram":0,"paged_out":0,"persistent":0}"#
        );
        assert_eq!(
            text(&Limits::default()),
            r#"{"max_exchanges":50,"max_queues":50,"max_bindings":200,"max_policies":20,"max_actors":40,"max_steps":200,"max_messages":200000,"max_duration_ms":600000,"max_body_bytes":65536,"node_faults":false,"nodes":[]}"#
        );
        let limits = Limits {
            node_faults: true,
            nodes: vec![s("n1")],
            ..Limits::default()
        };
        assert_eq!(
            text(&ServerMessage::Hello(Hello {
                protocol: 2,
                warren_version: s("0.1.0"),
                broker: None,
                broker_error: Some(s("e")),
                limits,
                features: None,
            })),
            r#"{"type":"hello","protocol":2,"warren_version":"0.1.0","broker_error":"e","limits":{"max_exchanges":50,"max_queues":50,"max_bindings":200,"max_policies":20,"max_actors":40,"max_steps":200,"max_messages":200000,"max_duration_ms":600000,"max_body_bytes":65536,"node_faults":true,"nodes":["n1"]}}"#
        );
        let policy = Policy {
            name: s("ha"),
            pattern: s("^q"),
            apply_to: ApplyTo::Queues,
            priority: 1,
            definition: Arguments::new(),
        };
        assert_eq!(
            text(&Step::ApplyPolicy { at_ms: 4, policy }),
            r#"{"action":"apply_policy","at_ms":4,"policy":{"name":"ha","pattern":"^q","apply_to":"queues","priority":1,"definition":{}}}"#
        );
        assert_eq!(text(&PriorityRule::None), r#"{"rule":"none"}"#);
        assert_eq!(
            text(&ConfirmMode::Streaming { window: 9 }),
            r#"{"mode":"stream","window":9}"#
        );
    }

    /// What a field's attribute says about an absent or `null` field, and a struct's errors.
    #[test]
    fn fields_read_as_their_attributes_say() {
        let broker: BrokerInfo =
            serde_json::from_str(r#"{"version":"4.1.0","erlang_version":null,"nodes":[],"extra":1}"#).expect("default");
        assert_eq!((broker.erlang_version.as_str(), broker.cluster_name.as_str()), ("", ""));
        let snapshot: QueueSnapshot = serde_json::from_str(
            r#"{"queue":"q","messages":1,"ready":1,"unacked":0,"in_ram":0,"paged_out":0,"persistent":0,"node":null,"mirrors":null}"#,
        )
        .expect("optional and omit_empty");
        assert_eq!((snapshot.node, snapshot.mirrors.len()), (None, 0));
        let error = serde_json::from_str::<Limits>(r#"{"max_exchanges":1}"#).expect_err("must fail");
        assert!(error.to_string().starts_with("missing field `max_queues`"), "{error}");
        let error = serde_json::from_str::<Limits>("[1]").expect_err("must fail");
        assert!(
            error.to_string().starts_with("invalid type: sequence, expected a map"),
            "{error}"
        );
    }
}
