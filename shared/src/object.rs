//! Reading a tagged JSON object one field at a time.
//!
//! The relay's messages and events are JSON objects tagged with `type`. serde's derived code for
//! such an internally tagged enum buffers each object into its own generic content type and then
//! reads it again with a visitor per variant; for the page's WebAssembly that came to more than a
//! tenth of the module. The wire types read their objects here instead: one `serde_json::Map`,
//! each field (the tag too) taken out by name. Fields, defaults and error messages stay those of
//! the derived code (`missing field`, `unknown variant`, `invalid type`), and unknown fields are
//! still ignored.

use serde::Deserialize;
use serde::de::{DeserializeOwned, Error as _};
use serde_json::{Error, Map, Value};

/// A JSON object whose fields are taken out one by one.
pub(crate) struct Object(Map<String, Value>);

impl Object {
    /// Read an object from any deserializer; anything else is an `invalid type` error.
    pub(crate) fn deserialize<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Map::deserialize(deserializer).map(Self)
    }

    /// Take out the required field `name`.
    pub(crate) fn field<T: DeserializeOwned>(&mut self, name: &'static str) -> Result<T, Error> {
        match self.0.remove(name) {
            Some(value) => T::deserialize(value),
            None => Err(Error::missing_field(name)),
        }
    }

    /// Take out the field `name` that may be absent or `null` (`#[serde(default)]` on an `Option`).
    pub(crate) fn optional<T: DeserializeOwned>(&mut self, name: &'static str) -> Result<Option<T>, Error> {
        match self.0.remove(name) {
            Some(value) => Option::<T>::deserialize(value),
            None => Ok(None),
        }
    }

    /// Read what is left of the object as one value (a newtype variant's fields sit beside its tag).
    pub(crate) fn rest<T: DeserializeOwned>(self) -> Result<T, Error> {
        T::deserialize(Value::Object(self.0))
    }
}
