//! Project VIC / CAID VICS JSON (OData): a top-level object whose `value`
//! array holds one object per media file with `MD5`, `SHA1` (and sometimes
//! `SHA256`) in hex and a numeric `Category`. The array is streamed, so a
//! multi-gigabyte export is never held in memory as a whole.
//!
//! An empty digest string counts as absent (exports leave `SHA1: ""` when
//! only MD5 is known); a media object with no digest at all, or with a digest
//! that is not hex of the right length, is an error naming the record number
//! (1-based position in `value`). The category is kept as text: the VICS
//! number (`"1"`, `"2"`, …) or the string the export gives.

use std::cell::RefCell;
use std::fmt;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::{Error, SetBuilder};
use crate::hash::{Algorithm, Digests, from_hex};

/// One media object; other fields are read and not used.
#[derive(Deserialize)]
struct Media {
    #[serde(rename = "MD5", alias = "Md5", alias = "md5", default)]
    md5: Option<String>,
    #[serde(rename = "SHA1", alias = "Sha1", alias = "sha1", default)]
    sha1: Option<String>,
    #[serde(rename = "SHA256", alias = "Sha256", alias = "sha256", default)]
    sha256: Option<String>,
    #[serde(rename = "Category", alias = "category", default)]
    category: Option<serde_json::Value>,
}

/// Reads the VICS JSON file at `path` into `builder`; returns the number of
/// media records.
pub(crate) fn import_vics(path: &Path, builder: &mut SetBuilder) -> Result<u64, Error> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut deserializer =
        serde_json::Deserializer::from_reader(BufReader::with_capacity(1 << 20, file));
    let state = State {
        path,
        builder: RefCell::new(builder),
        failure: RefCell::new(None),
        records: RefCell::new(0),
        found_value: RefCell::new(false),
    };
    let parsed = (&state)
        .deserialize(&mut deserializer)
        .and_then(|()| deserializer.end());
    if let Some(err) = state.failure.into_inner() {
        return Err(err);
    }
    parsed.map_err(|source| Error::Json {
        path: path.to_path_buf(),
        source,
    })?;
    if !state.found_value.into_inner() {
        return Err(Error::UnknownFormat {
            path: path.to_path_buf(),
            what: "JSON without a \"value\" array of media (not VICS)".into(),
        });
    }
    Ok(state.records.into_inner())
}

struct State<'a, 'b> {
    path: &'a Path,
    builder: RefCell<&'b mut SetBuilder>,
    /// Our own error, which stops the parser (serde carries only text).
    failure: RefCell<Option<Error>>,
    records: RefCell<u64>,
    found_value: RefCell<bool>,
}

impl State<'_, '_> {
    fn add(&self, media: Media) -> Result<(), Error> {
        let record = {
            let mut records = self.records.borrow_mut();
            *records += 1;
            *records
        };
        let mut digests = Digests::default();
        for (algorithm, hex) in [
            (Algorithm::Md5, &media.md5),
            (Algorithm::Sha1, &media.sha1),
            (Algorithm::Sha256, &media.sha256),
        ] {
            let Some(hex) = hex.as_deref().map(str::trim).filter(|h| !h.is_empty()) else {
                continue;
            };
            let bytes = from_hex(hex)
                .filter(|b| b.len() == algorithm.digest_len_bytes())
                .ok_or_else(|| {
                    Error::record(
                        self.path,
                        record,
                        format!("{hex:?} is not a {algorithm} digest"),
                    )
                })?;
            digests.set(algorithm, &bytes);
        }
        if digests.algorithms().is_empty() {
            return Err(Error::record(
                self.path,
                record,
                "media without MD5, SHA1 or SHA256",
            ));
        }
        let category = match media.category {
            None | Some(serde_json::Value::Null) => None,
            Some(serde_json::Value::Number(n)) => Some(n.to_string()),
            Some(serde_json::Value::String(s)) => Some(s),
            Some(other) => {
                return Err(Error::record(
                    self.path,
                    record,
                    format!("Category {other} is neither a number nor text"),
                ));
            }
        };
        self.builder
            .borrow_mut()
            .add(&digests, category.as_deref(), self.path)
    }

    fn fail<E: de::Error>(&self, err: Error) -> E {
        let text = err.to_string();
        *self.failure.borrow_mut() = Some(err);
        E::custom(text)
    }
}

impl<'de> DeserializeSeed<'de> for &State<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for &State<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a VICS JSON object with a \"value\" array")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == "value" {
                *self.found_value.borrow_mut() = true;
                map.next_value_seed(MediaList(self))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

struct MediaList<'s, 'a, 'b>(&'s State<'a, 'b>);

impl<'de> DeserializeSeed<'de> for MediaList<'_, '_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for MediaList<'_, '_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of media objects")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        loop {
            let record = *self.0.records.borrow() + 1;
            let media = match seq.next_element::<Media>() {
                Ok(Some(media)) => media,
                Ok(None) => return Ok(()),
                Err(err) => {
                    return Err(self
                        .0
                        .fail(Error::record(self.0.path, record, err.to_string())));
                }
            };
            self.0.add(media).map_err(|err| self.0.fail(err))?;
        }
    }
}
