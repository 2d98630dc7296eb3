//! [`UnknownFields`]: the properties of an object that its model does not declare.

use std::fmt;

use serde_json::{Map, Value};

/// Properties of a JSON object that its model does not declare (newer than this version of the
/// spec, or undocumented), in the order they came, written back unchanged.
///
/// Nearly every object has none, so this takes one pointer: the map is allocated for the first
/// unknown property. (A `serde_json::Map` inline is 72 bytes and costs a hasher set-up per
/// object; the 20 MB analytics response of the peer benchmark has 130,000 objects.)
///
/// ```
/// use purecloud_platform_client_v2_models::json::UnknownFields;
/// use serde_json::json;
///
/// let mut u = UnknownFields::new();
/// assert!(u.is_empty());
/// u.insert("newProperty", json!(1));
/// assert_eq!(u.get("newProperty"), Some(&json!(1)));
/// assert_eq!(u["newProperty"], json!(1));
/// assert_eq!(u["absent"], json!(null));
/// ```
#[derive(Clone, Default)]
pub struct UnknownFields(Option<Box<Map<String, Value>>>);

static NULL: Value = Value::Null;

impl UnknownFields {
    /// No properties (allocates nothing).
    pub const fn new() -> Self {
        UnknownFields(None)
    }

    /// True when there are no unknown properties.
    pub fn is_empty(&self) -> bool {
        self.0.as_ref().is_none_or(|m| m.is_empty())
    }

    /// The number of unknown properties.
    pub fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |m| m.len())
    }

    /// The value of an unknown property.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.as_ref().and_then(|m| m.get(key))
    }

    /// The value of an unknown property, to change it.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.0.as_mut().and_then(|m| m.get_mut(key))
    }

    /// True when the property is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Sets a property (written after the declared ones); returns the value it replaces.
    pub fn insert(&mut self, key: impl Into<String>, value: Value) -> Option<Value> {
        self.0
            .get_or_insert_with(Default::default)
            .insert(key.into(), value)
    }

    /// Removes a property, keeping the order of the others.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        self.0.as_mut().and_then(|m| m.shift_remove(key))
    }

    /// The properties in order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.into_iter()
    }

    /// The properties as a map, when there are any.
    pub fn as_map(&self) -> Option<&Map<String, Value>> {
        self.0.as_deref()
    }

    /// The properties as a map.
    pub fn into_map(self) -> Map<String, Value> {
        self.0.map(|m| *m).unwrap_or_default()
    }
}

impl PartialEq for UnknownFields {
    /// Equal when they hold the same properties (an emptied map equals none).
    fn eq(&self, other: &Self) -> bool {
        match (self.as_map(), other.as_map()) {
            (Some(a), Some(b)) => a == b,
            _ => self.is_empty() && other.is_empty(),
        }
    }
}

impl fmt::Debug for UnknownFields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// `fields["key"]` is the value, or `null` when the property is absent (like `serde_json::Value`).
impl std::ops::Index<&str> for UnknownFields {
    type Output = Value;
    fn index(&self, key: &str) -> &Value {
        self.get(key).unwrap_or(&NULL)
    }
}

impl From<Map<String, Value>> for UnknownFields {
    fn from(m: Map<String, Value>) -> Self {
        UnknownFields((!m.is_empty()).then(|| Box::new(m)))
    }
}

impl<'a> IntoIterator for &'a UnknownFields {
    type Item = (&'a String, &'a Value);
    type IntoIter = std::iter::Flatten<std::option::IntoIter<&'a Map<String, Value>>>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.as_deref().into_iter().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keeps_order_and_compares_by_content() {
        let mut a = UnknownFields::new();
        assert_eq!(a.len(), 0);
        assert_eq!(format!("{a:?}"), "{}");
        a.insert("z", json!(1));
        a.insert("a", json!([true]));
        let keys: Vec<&str> = a.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["z", "a"]);
        assert_eq!(
            format!("{a:?}"),
            r#"{"z": Number(1), "a": Array [Bool(true)]}"#
        );
        assert_eq!(a.insert("z", json!(2)), Some(json!(1)));
        *a.get_mut("z").unwrap() = json!(3);
        assert_eq!(a["z"], json!(3));
        assert!(a.contains_key("a") && !a.contains_key("b"));
        assert_eq!(a.remove("z"), Some(json!(3)));
        assert_eq!(a.remove("a"), Some(json!([true])));
        assert!(a.is_empty());
        assert_eq!(a, UnknownFields::new(), "emptied equals never used");
        let b = UnknownFields::from(Map::from_iter([("k".to_owned(), json!("v"))]));
        assert_ne!(a, b);
        assert_eq!(b.clone().into_map().len(), 1);
        assert_eq!((&b).into_iter().count(), 1);
        assert_eq!(UnknownFields::from(Map::new()).as_map(), None);
    }
}
