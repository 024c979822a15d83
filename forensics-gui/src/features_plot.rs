//! The feature histogram of one kind drawn as a horizontal bar chart
//! (`egui_plot`): one bar per value, the most frequent at the top, its
//! length the number of occurrences across the case.

use eframe::egui;
use egui_plot::{Bar, BarChart, GridInput, GridMark, Plot};
use forensics_core::case::FeatureCount;

/// Most values drawn as bars (the table below lists all fetched values).
pub(crate) const PLOT_BARS: usize = 20;
/// Characters of a value shown on the axis (the full value is in the hover text).
const AXIS_LABEL_CHARS: usize = 28;
/// Height of one bar's row, in points.
const BAR_ROW_HEIGHT: f32 = 22.0;
/// Most grid marks on an axis (a bound for hostile plot bounds).
const MAX_GRID_MARKS: usize = 64;
/// Room for the count axis and the margins, in points.
const PLOT_FRAME_HEIGHT: f32 = 48.0;

/// The bars of one kind: value and count, most frequent first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct KindBars {
    /// The feature kind.
    pub(crate) kind: String,
    /// Value and count, in histogram order (count descending, then value).
    pub(crate) bars: Vec<(String, u64)>,
}

impl KindBars {
    /// The first [`PLOT_BARS`] entries of `kind` in `shown` (already in
    /// histogram order and filtered).
    pub(crate) fn of(kind: &str, shown: &[&FeatureCount]) -> Self {
        Self {
            kind: kind.to_string(),
            bars: shown
                .iter()
                .filter(|e| e.kind == kind)
                .take(PLOT_BARS)
                .map(|e| (e.value.clone(), e.count))
                .collect(),
        }
    }

    /// The accessible name of the chart.
    pub(crate) fn title(&self) -> String {
        format!("Histogram of {} values", self.kind)
    }

    /// Where bar `index` (0 = most frequent) sits on the value axis: the
    /// most frequent value at the top.
    fn position(&self, index: usize) -> f64 {
        self.bars.len().saturating_sub(index + 1) as f64
    }

    /// The value drawn at axis position `position`, if a bar is there.
    fn value_at(&self, position: f64) -> Option<&str> {
        if position < 0.0 || position.fract().abs() > 1e-6 {
            return None;
        }
        let from_top = self.bars.len().checked_sub(position as usize + 1)?;
        self.bars.get(from_top).map(|(value, _)| value.as_str())
    }

    /// Draws the chart; nothing when there are no bars.
    pub(crate) fn ui(&self, ui: &mut egui::Ui) {
        if self.bars.is_empty() {
            ui.weak(format!("No {} values match the filter.", self.kind));
            return;
        }
        ui.strong(format!(
            "Most frequent {} values ({} shown)",
            self.kind,
            self.bars.len()
        ));
        let fill = ui.visuals().selection.bg_fill;
        let bars: Vec<Bar> = self
            .bars
            .iter()
            .enumerate()
            .map(|(index, (value, count))| {
                Bar::new(self.position(index), *count as f64)
                    .name(value)
                    .width(0.7)
                    .fill(fill)
            })
            .collect();
        let chart = BarChart::new(self.kind.clone(), bars)
            .horizontal()
            .color(fill)
            .element_formatter(Box::new(|bar, _| {
                format!("{}: {} occurrences", bar.name, bar.value)
            }));
        let height = self.bars.len() as f32 * BAR_ROW_HEIGHT + PLOT_FRAME_HEIGHT;
        let response = Plot::new(("feature_plot", &self.kind))
            .height(height)
            .allow_zoom(false)
            .allow_drag(false)
            .allow_scroll(false)
            .allow_boxed_zoom(false)
            .allow_double_click_reset(false)
            .show_crosshair(false)
            .show_grid([true, false])
            .include_x(0.0)
            .x_axis_label("occurrences")
            .x_grid_spacer(whole_counts)
            .y_grid_spacer(every_bar)
            .y_axis_formatter(|mark, _| self.value_at(mark.value).map(shorten).unwrap_or_default())
            .label_formatter(|_| None)
            .show(ui, |plot| plot.bar_chart(chart))
            .response;
        let title = self.title();
        response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Figure, true, title.clone()));
    }
}

/// One grid mark per bar position (whole numbers in the visible range).
fn every_bar(input: GridInput) -> Vec<GridMark> {
    let (low, high) = input.bounds;
    let first = low.ceil().max(0.0);
    let last = high.floor().min(PLOT_BARS as f64);
    let mut marks = Vec::new();
    let mut value = first;
    while value <= last && marks.len() < MAX_GRID_MARKS {
        marks.push(GridMark {
            value,
            step_size: 1.0,
        });
        value += 1.0;
    }
    marks
}

/// Grid marks at whole counts, about six across the visible range, at
/// steps of 1, 2 or 5 times a power of ten (a count is never fractional).
fn whole_counts(input: GridInput) -> Vec<GridMark> {
    let (low, high) = input.bounds;
    let rough_step = ((high - low) / 6.0).max(1.0);
    let power = 10f64.powi(rough_step.log10().floor() as i32);
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|factor| factor * power)
        .find(|step| *step >= rough_step)
        .unwrap_or(10.0 * power);
    let mut marks = Vec::new();
    let mut value = (low.max(0.0) / step).ceil() * step;
    while value <= high && marks.len() < MAX_GRID_MARKS {
        marks.push(GridMark {
            value,
            step_size: step,
        });
        value += step;
    }
    marks
}

/// `value` cut to [`AXIS_LABEL_CHARS`] characters, with an ellipsis.
fn shorten(value: &str) -> String {
    if value.chars().count() <= AXIS_LABEL_CHARS {
        return value.to_string();
    }
    let mut short: String = value.chars().take(AXIS_LABEL_CHARS - 1).collect();
    short.push('…');
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(kind: &str, value: &str, count: u64) -> FeatureCount {
        FeatureCount {
            kind: kind.into(),
            value: value.into(),
            count,
        }
    }

    #[test]
    fn bars_keep_histogram_order_and_axis_positions_put_the_top_value_first() {
        let rows = [
            count("email", "a@x", 5),
            count("email", "b@x", 2),
            count("url", "http://u", 9),
        ];
        let shown: Vec<&FeatureCount> = rows.iter().collect();
        let bars = KindBars::of("email", &shown);
        assert_eq!(bars.bars, vec![("a@x".into(), 5), ("b@x".into(), 2)]);
        assert_eq!(bars.value_at(1.0), Some("a@x"));
        assert_eq!(bars.value_at(0.0), Some("b@x"));
        assert_eq!(bars.value_at(0.5), None);
        assert_eq!(bars.value_at(2.0), None);
        assert_eq!(bars.value_at(-1.0), None);
    }

    #[test]
    fn count_marks_are_whole_numbers_at_round_steps() {
        let marks = |low, high| -> Vec<f64> {
            whole_counts(GridInput {
                bounds: (low, high),
                base_step_size: 0.01,
            })
            .into_iter()
            .map(|m| m.value)
            .collect()
        };
        assert_eq!(marks(-0.05, 1.05), [0.0, 1.0]);
        assert_eq!(marks(0.0, 12.0), [0.0, 2.0, 4.0, 6.0, 8.0, 10.0, 12.0]);
        assert_eq!(marks(-3.0, 700.0), [0.0, 200.0, 400.0, 600.0]);
    }

    #[test]
    fn long_values_are_shortened_on_the_axis() {
        let long = "x".repeat(100);
        assert_eq!(shorten(&long).chars().count(), AXIS_LABEL_CHARS);
        assert_eq!(shorten("short"), "short");
    }
}
