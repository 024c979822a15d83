//! Calendar arithmetic for EWF dates, without a wall clock or time zone
//! database: timestamps are shown in UTC, the way `ewfinfo` shows them on a
//! machine whose time zone is UTC (`ctime` layout, "Sat Nov 28 11:54:39 2026").

const DAY_NAMES: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTH_NAMES: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const SECS_PER_DAY: i64 = 86_400;
/// Latest year shown as a date; later values are kept as written.
const MAX_YEAR: i64 = 9999;

/// Days since 1970-01-01 of a proleptic Gregorian date (the well-known
/// era-based day-count algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let shifted_month = (month + 9) % 12;
    let day_of_year = (153 * shifted_month + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date of a day count since 1970-01-01, as (year, month, day).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// `[year, month, day, hour, minute, second]` (UTC) of a Unix timestamp;
/// `None` outside years 1..=9999.
pub fn civil_from_unix(unix_secs: i64) -> Option<[i64; 6]> {
    let days = unix_secs.div_euclid(SECS_PER_DAY);
    let secs = unix_secs.rem_euclid(SECS_PER_DAY);
    let (year, month, day) = civil_from_days(days);
    (1..=MAX_YEAR).contains(&year).then_some([
        year,
        month,
        day,
        secs / 3600,
        secs / 60 % 60,
        secs % 60,
    ])
}

/// A Unix timestamp in `ctime` layout (UTC); `None` outside years 1..=9999.
pub fn format_unix_ctime(unix_secs: i64) -> Option<String> {
    let [y, mo, d, h, mi, s] = civil_from_unix(unix_secs)?;
    format_ctime(y, mo, d, h, mi, s)
}

/// A calendar date and time in `ctime` layout; `None` when a field is out
/// of range.
pub fn format_ctime(
    year: i64,
    month: i64,
    day: i64,
    hour: i64,
    minute: i64,
    second: i64,
) -> Option<String> {
    let valid = (1..=MAX_YEAR).contains(&year)
        && (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && (0..24).contains(&hour)
        && (0..60).contains(&minute)
        && (0..=60).contains(&second);
    if !valid {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let weekday = DAY_NAMES.get(usize::try_from(days.rem_euclid(7)).ok()?)?;
    let month_name = MONTH_NAMES.get(usize::try_from(month - 1).ok()?)?;
    Some(format!(
        "{weekday} {month_name} {day:2} {hour:02}:{minute:02}:{second:02} {year}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_timestamps_format_like_ctime() {
        assert_eq!(
            format_unix_ctime(1_795_866_879).as_deref(),
            Some("Sat Nov 28 11:54:39 2026")
        );
        assert_eq!(
            format_unix_ctime(0).as_deref(),
            Some("Thu Jan  1 00:00:00 1970")
        );
        assert_eq!(
            format_unix_ctime(951_782_400).as_deref(),
            Some("Tue Feb 29 00:00:00 2000")
        );
        assert_eq!(civil_from_unix(-1), Some([1969, 12, 31, 23, 59, 59]));
        assert_eq!(format_unix_ctime(i64::MAX), None);
        assert_eq!(format_ctime(2026, 13, 1, 0, 0, 0), None);
    }
}
