//! Canonical JSON: object keys sorted by their UTF-8 bytes, no whitespace,
//! numbers and strings as `serde_json` writes them. The same value always
//! gives the same text, so its hash can be recomputed by anyone.

use serde_json::Value;

/// The canonical text of `value`.
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write_value(value, &mut out);
    out
}

fn write_value(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_unstable_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
            out.push('{');
            for (index, key) in keys.into_iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                if let Some(inner) = map.get(key) {
                    write_value(inner, out);
                }
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_value(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_are_sorted_at_every_level_and_whitespace_dropped() {
        let value = json!({"b": 1, "a": {"z": [true, null], "y": "é\n"}});
        assert_eq!(
            canonical_json(&value),
            r#"{"a":{"y":"é\n","z":[true,null]},"b":1}"#
        );
    }

    #[test]
    fn parsing_canonical_text_gives_the_same_text() {
        let text = r#"{"a":[1,2.5,"x"],"b":{"c":null}}"#;
        let value: Value = serde_json::from_str(text).unwrap();
        assert_eq!(canonical_json(&value), text);
    }
}
