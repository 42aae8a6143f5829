//! Reading a tagged JSON object one field at a time.
//!
//! The relay's messages and events, and the scenario's steps, priority rules and confirm modes,
//! are JSON objects tagged with a field such as `type`. serde's derived code for such an
//! internally tagged enum buffers each object into its own generic content type and then reads
//! it again with a visitor per variant; for the page's WebAssembly that came to more than a tenth
//! of the module. The types `wire!` declares (see `wire.rs`) read their objects here instead:
//! one `serde_json::Map`, each field taken out by name. What the derived code accepted is
//! accepted (unknown fields are ignored or refused as before, and a step may still be written as
//! an array: tag first, then the fields in order), and its error messages are kept: `missing
//! field`, `unknown variant`, `unknown field`, `invalid type`, with the tag's own path when the
//! tag is wrong.

use serde::Deserialize;
use serde::de::{self, DeserializeOwned, DeserializeSeed, Error as _, MapAccess, SeqAccess, Visitor};
use serde_json::{Error, Map, Value};
use std::fmt;

/// A JSON object whose fields are taken out one by one.
pub(crate) struct Object {
    fields: Entries,
    /// The fields taken so far, in order: what an unknown field is told to be instead.
    taken: Vec<&'static str>,
}

/// An object's fields by name, or (the array form of a tagged enum) in declaration order.
enum Entries {
    Named(Map<String, Value>),
    InOrder(std::vec::IntoIter<Value>),
}

impl Object {
    fn new(fields: Entries) -> Self {
        Self {
            fields,
            taken: Vec::new(),
        }
    }

    /// Read an object from any deserializer; anything else is an `invalid type` error.
    pub(crate) fn deserialize<'de, D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Map::deserialize(deserializer).map(|map| Self::new(Entries::Named(map)))
    }

    /// Read a value from an object with `read`, which takes its fields out; `read`'s error
    /// becomes the deserializer's.
    pub(crate) fn read<'de, D: de::Deserializer<'de>, T>(
        deserializer: D,
        read: impl FnOnce(Self) -> Result<T, Error>,
    ) -> Result<T, D::Error> {
        read(Self::deserialize(deserializer)?).map_err(D::Error::custom)
    }

    /// Read an object tagged with the field `tag`, which must name one of `variants`; `expecting`
    /// is what anything other than an object or array is told it should have been. An error in
    /// the tag is reported inside it (its path ends with the tag), as derived code does.
    pub(crate) fn tagged<'de, D: de::Deserializer<'de>>(
        deserializer: D,
        tag: &'static str,
        variants: &'static [&'static str],
        expecting: &'static str,
    ) -> Result<(String, Self), D::Error> {
        deserializer.deserialize_any(TaggedVisitor {
            tag,
            variant: VariantSeed(variants),
            expecting,
        })
    }

    /// Take out the required field `name`.
    pub(crate) fn field<T: DeserializeOwned>(&mut self, name: &'static str) -> Result<T, Error> {
        match self.take(name) {
            Some(value) => T::deserialize(value),
            None if matches!(self.fields, Entries::InOrder(_)) => {
                Err(Error::invalid_length(self.taken.len() - 1, &"one element per field"))
            }
            None => Err(Error::missing_field(name)),
        }
    }

    /// Take out the field `name` that may be absent or `null` (`#[serde(default)]` on an `Option`).
    pub(crate) fn optional<T: DeserializeOwned>(&mut self, name: &'static str) -> Result<Option<T>, Error> {
        match self.take(name) {
            Some(value) => Option::<T>::deserialize(value),
            None => Ok(None),
        }
    }

    /// Refuse anything left over (`#[serde(deny_unknown_fields)]`): an unknown field is told
    /// which fields were expected, as serde says it.
    pub(crate) fn deny_unknown_fields(&self) -> Result<(), Error> {
        match &self.fields {
            Entries::Named(map) => match map.keys().next() {
                Some(unknown) => Err(Error::custom(format_args!(
                    "unknown field `{unknown}`, {}",
                    Expected(&self.taken)
                ))),
                None => Ok(()),
            },
            Entries::InOrder(values) if values.len() > 0 => Err(Error::invalid_length(
                self.taken.len() + values.len(),
                &match self.taken.len() {
                    1 => "1 element in sequence".to_owned(),
                    n => format!("{n} elements in sequence"),
                }
                .as_str(),
            )),
            Entries::InOrder(_) => Ok(()),
        }
    }

    fn take(&mut self, name: &'static str) -> Option<Value> {
        self.taken.push(name);
        match &mut self.fields {
            Entries::Named(map) => map.remove(name),
            Entries::InOrder(values) => values.next(),
        }
    }
}

/// serde's wording for the fields an unknown one should have been.
struct Expected<'a>(&'a [&'static str]);

impl fmt::Display for Expected<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            [] => f.write_str("there are no fields"),
            [only] => write!(f, "expected `{only}`"),
            [first, second] => write!(f, "expected `{first}` or `{second}`"),
            [first, rest @ ..] => {
                write!(f, "expected one of `{first}`")?;
                rest.iter().try_for_each(|name| write!(f, ", `{name}`"))
            }
        }
    }
}

/// Reads a tagged object: the tag through [`VariantSeed`], every other field as it is.
struct TaggedVisitor {
    tag: &'static str,
    variant: VariantSeed,
    expecting: &'static str,
}

impl<'de> Visitor<'de> for TaggedVisitor {
    type Value = (String, Object);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut variant = None;
        let mut fields = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if key == self.tag {
                if variant.is_some() {
                    return Err(A::Error::duplicate_field(self.tag));
                }
                variant = Some(map.next_value_seed(self.variant)?);
            } else {
                let value = map.next_value()?;
                fields.insert(key, value);
            }
        }
        let variant = variant.ok_or_else(|| A::Error::missing_field(self.tag))?;
        Ok((variant, Object::new(Entries::Named(fields))))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let variant = seq
            .next_element_seed(self.variant)?
            .ok_or_else(|| A::Error::missing_field(self.tag))?;
        let mut values = Vec::new();
        while let Some(value) = seq.next_element()? {
            values.push(value);
        }
        Ok((variant, Object::new(Entries::InOrder(values.into_iter()))))
    }
}

/// Reads a tag: a string naming one of the variants.
#[derive(Clone, Copy)]
struct VariantSeed(&'static [&'static str]);

impl<'de> DeserializeSeed<'de> for VariantSeed {
    type Value = String;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl Visitor<'_> for VariantSeed {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("variant identifier")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<String, E> {
        if self.0.contains(&name) {
            Ok(name.to_owned())
        } else {
            Err(E::unknown_variant(name, self.0))
        }
    }
}
