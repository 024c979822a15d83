//! Timestamps: nanoseconds since the Unix epoch, UTC, printed as RFC 3339.
//! Shared by every layer (container dates, file-system times, custody entries).

use serde::{Serialize, Serializer};

/// A point in time, UTC, with nanosecond resolution (years 1678–2262).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    /// Nanoseconds since 1970-01-01T00:00:00Z (negative before).
    pub unix_ns: i64,
}

/// 100-ns intervals between 1601-01-01 (FILETIME epoch) and 1970-01-01.
const FILETIME_UNIX_EPOCH_DELTA: i64 = 116_444_736_000_000_000;

impl Timestamp {
    /// From whole seconds since the Unix epoch.
    pub fn from_unix_seconds(seconds: i64) -> Option<Self> {
        seconds
            .checked_mul(1_000_000_000)
            .map(|unix_ns| Self { unix_ns })
    }

    /// From seconds plus nanoseconds since the Unix epoch (ext4 extra fields).
    pub fn from_unix_parts(seconds: i64, nanos: u32) -> Option<Self> {
        let base = seconds.checked_mul(1_000_000_000)?;
        base.checked_add(i64::from(nanos))
            .map(|unix_ns| Self { unix_ns })
    }

    /// From a Windows FILETIME (100-ns intervals since 1601); `None` for 0
    /// (unset) and for values outside the representable range.
    pub fn from_filetime(filetime: u64) -> Option<Self> {
        if filetime == 0 {
            return None;
        }
        let ticks = i64::try_from(filetime).ok()?;
        let since_unix = ticks.checked_sub(FILETIME_UNIX_EPOCH_DELTA)?;
        since_unix.checked_mul(100).map(|unix_ns| Self { unix_ns })
    }

    /// Whole seconds since the Unix epoch (rounded down), as bodyfiles use.
    pub fn unix_seconds(self) -> i64 {
        self.unix_ns.div_euclid(1_000_000_000)
    }

    /// RFC 3339 in UTC: `2023-04-05T06:07:08Z`, with fractional seconds when
    /// they are not zero (trailing zeros trimmed).
    pub fn to_rfc3339(self) -> String {
        let seconds = self.unix_seconds();
        let nanos = self.unix_ns.rem_euclid(1_000_000_000);
        let days = seconds.div_euclid(86_400);
        let second_of_day = seconds.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        let mut text = format!(
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
            second_of_day / 3600,
            second_of_day % 3600 / 60,
            second_of_day % 60
        );
        if nanos != 0 {
            let fraction = format!("{nanos:09}");
            text.push('.');
            text.push_str(fraction.trim_end_matches('0'));
        }
        text.push('Z');
        text
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_rfc3339())
    }
}

/// Year, month, day of the proleptic Gregorian calendar for a day count since
/// 1970-01-01 (the "days from civil" algorithm, run backwards).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_index + 2) / 5 + 1) as u32;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// A source of the current time (UTC): the core never reads the wall clock.
/// The CLI passes the system clock; tests pass a fixed or stepping clock so
/// custody entries, acquisition logs and reports are reproducible.
pub trait Clock: Send + Sync {
    /// The current time.
    fn now(&self) -> Timestamp;
}

/// A clock that starts at a fixed time and advances by one second per call
/// (for tests and reproducible demonstrations).
#[derive(Debug)]
pub struct SteppingClock {
    next_unix_ns: std::sync::atomic::AtomicI64,
}

impl SteppingClock {
    /// A clock whose first reading is `start`.
    pub fn new(start: Timestamp) -> Self {
        Self {
            next_unix_ns: std::sync::atomic::AtomicI64::new(start.unix_ns),
        }
    }
}

impl Clock for SteppingClock {
    fn now(&self) -> Timestamp {
        let unix_ns = self
            .next_unix_ns
            .fetch_add(1_000_000_000, std::sync::atomic::Ordering::Relaxed);
        Timestamp { unix_ns }
    }
}

/// A clock that always says the same time (tests, reproducible runs).
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub Timestamp);

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_matches_known_instants() {
        let at = |s| Timestamp::from_unix_seconds(s).unwrap().to_rfc3339();
        assert_eq!(at(0), "1970-01-01T00:00:00Z");
        assert_eq!(at(1_647_108_419), "2022-03-12T18:06:59Z");
        assert_eq!(at(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(at(-1), "1969-12-31T23:59:59Z");
        let fractional = Timestamp::from_unix_parts(1, 500_000_000).unwrap();
        assert_eq!(fractional.to_rfc3339(), "1970-01-01T00:00:01.5Z");
    }

    #[test]
    fn filetime_converts_and_rejects_unset_and_absurd_values() {
        let unix_epoch = Timestamp::from_filetime(116_444_736_000_000_000).unwrap();
        assert_eq!(unix_epoch.unix_ns, 0);
        assert_eq!(Timestamp::from_filetime(0), None);
        assert_eq!(Timestamp::from_filetime(u64::MAX), None);
    }
}
