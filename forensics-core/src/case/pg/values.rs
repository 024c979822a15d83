//! [`SqlValue`] to and from PostgreSQL's wire types: integers as
//! `BIGINT`/`INTEGER`/`SMALLINT` (narrowed with a range check), text as the
//! text types, `NULL` for any type. Results read back as SQLite's would:
//! booleans as 0/1, integral `NUMERIC` (what `sum(bigint)` gives) as
//! integers, floats as text, `bytea` as lowercase hex.

use std::error::Error as StdError;

use bytes::BytesMut;
use postgres::types::{FromSql, IsNull, ToSql, Type, to_sql_checked};

use crate::case::backend::SqlValue;

type BoxError = Box<dyn StdError + Sync + Send>;

/// Base of the digits of PostgreSQL's binary `NUMERIC`.
const NUMERIC_BASE: i64 = 10_000;
/// Sign words of the binary `NUMERIC`.
const NUMERIC_POSITIVE: u16 = 0x0000;
const NUMERIC_NEGATIVE: u16 = 0x4000;

impl ToSql for SqlValue {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        match self {
            Self::Null => Ok(IsNull::Yes),
            Self::Integer(value) => match *ty {
                Type::INT8 => value.to_sql(ty, out),
                Type::INT4 => i32::try_from(*value)
                    .map_err(|_| format!("{value} does not fit the integer parameter"))?
                    .to_sql(ty, out),
                Type::INT2 => i16::try_from(*value)
                    .map_err(|_| format!("{value} does not fit the smallint parameter"))?
                    .to_sql(ty, out),
                _ => Err(format!("an integer cannot be bound to a {ty} parameter").into()),
            },
            Self::Text(text) => {
                if <&str as ToSql>::accepts(ty) {
                    text.as_str().to_sql(ty, out)
                } else {
                    Err(format!("text cannot be bound to a {ty} parameter").into())
                }
            }
        }
    }

    fn accepts(_ty: &Type) -> bool {
        // Checked per value in `to_sql`, which names the mismatch.
        true
    }

    to_sql_checked!();
}

impl<'a> FromSql<'a> for SqlValue {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        Ok(match *ty {
            Type::INT8 => Self::Integer(i64::from_sql(ty, raw)?),
            Type::INT4 => Self::Integer(i32::from_sql(ty, raw)?.into()),
            Type::INT2 => Self::Integer(i16::from_sql(ty, raw)?.into()),
            Type::OID => Self::Integer(u32::from_sql(ty, raw)?.into()),
            Type::BOOL => Self::Integer(bool::from_sql(ty, raw)?.into()),
            Type::NUMERIC => Self::Integer(numeric_integer(raw)?),
            Type::FLOAT8 => Self::Text(f64::from_sql(ty, raw)?.to_string()),
            Type::FLOAT4 => Self::Text(f32::from_sql(ty, raw)?.to_string()),
            Type::BYTEA => Self::Text(crate::hash::to_hex(raw)),
            Type::VOID => Self::Null,
            _ if <&str as FromSql>::accepts(ty) => Self::Text(String::from_sql(ty, raw)?),
            _ => return Err(format!("a {ty} column cannot be read by the case store").into()),
        })
    }

    fn from_sql_null(_ty: &Type) -> Result<Self, BoxError> {
        Ok(Self::Null)
    }

    fn accepts(_ty: &Type) -> bool {
        // Checked per column in `from_sql`, which names the type.
        true
    }
}

/// The value of a binary `NUMERIC` that holds an integer within `i64`.
fn numeric_integer(raw: &[u8]) -> Result<i64, BoxError> {
    let word = |index: usize| -> Result<u16, BoxError> {
        let start = index.checked_mul(2).ok_or("numeric too long")?;
        match raw.get(start..start + 2) {
            Some(&[high, low]) => Ok(u16::from_be_bytes([high, low])),
            _ => Err("truncated numeric".into()),
        }
    };
    let digit_count = usize::from(word(0)?);
    let weight = i64::from(word(1)? as i16);
    let sign = word(2)?;
    let mut value: i64 = 0;
    // Integer digits: positions weight, weight - 1, …, 0; absent ones are 0.
    for position in (0..=weight).rev() {
        let index = usize::try_from(weight - position)?;
        let digit = if index < digit_count {
            i64::from(word(4 + index)?)
        } else {
            0
        };
        value = value
            .checked_mul(NUMERIC_BASE)
            .and_then(|v| v.checked_add(digit))
            .ok_or("numeric out of the 64-bit range")?;
    }
    let first_fraction = usize::try_from(weight.saturating_add(1).max(0))?;
    for index in first_fraction..digit_count {
        if word(4 + index)? != 0 {
            return Err("numeric with a fraction where an integer was expected".into());
        }
    }
    match sign {
        NUMERIC_POSITIVE => Ok(value),
        NUMERIC_NEGATIVE => Ok(-value),
        _ => Err("numeric is NaN or infinite".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numeric(weight: i16, sign: u16, digits: &[u16]) -> Vec<u8> {
        let mut raw = Vec::new();
        for word in [digits.len() as u16, weight as u16, sign, 0] {
            raw.extend_from_slice(&word.to_be_bytes());
        }
        for digit in digits {
            raw.extend_from_slice(&digit.to_be_bytes());
        }
        raw
    }

    #[test]
    fn integral_numerics_decode_and_others_are_refused() {
        assert_eq!(numeric_integer(&numeric(0, 0, &[])).unwrap(), 0);
        assert_eq!(numeric_integer(&numeric(0, 0, &[42])).unwrap(), 42);
        // 12_3456_0000: digits [12, 3456], weight 2 (trailing zero digit absent).
        assert_eq!(
            numeric_integer(&numeric(2, 0, &[12, 3456])).unwrap(),
            1_234_560_000
        );
        assert_eq!(
            numeric_integer(&numeric(1, 0x4000, &[1, 5])).unwrap(),
            -10_005
        );
        assert!(numeric_integer(&numeric(0, 0, &[1, 5])).is_err(), "1.0005");
        assert!(
            numeric_integer(&numeric(5, 0, &[9999])).is_err(),
            "overflow"
        );
        assert!(numeric_integer(&numeric(0, 0xC000, &[])).is_err(), "NaN");
        assert!(numeric_integer(&[0, 1, 0]).is_err(), "truncated");
        assert!(numeric_integer(&numeric(0, 0, &[1])[..9]).is_err());
    }
}
