//! What the workbench shows, readable by tests and embedders without
//! reaching into its widgets.

use forensics_core::case::SearchResults;

use crate::workbench::Workbench;

impl Workbench {
    /// The case file.
    pub fn case_path(&self) -> &std::path::Path {
        &self.case_path
    }

    /// Evidence items in the tree.
    pub fn evidence_count(&self) -> usize {
        self.tree.evidence.len()
    }

    /// Whether no ingest is queued or running.
    pub fn ingest_idle(&self) -> bool {
        self.ingest.is_idle()
    }

    /// The lines reported for finished ingest items.
    pub fn ingest_results(&self) -> Vec<String> {
        self.ingest.state().finished.clone()
    }

    /// Rows in the file table (after filters), and whether it is loading.
    pub fn listed(&self) -> (usize, bool) {
        (self.table.len(), self.table.loading)
    }

    /// Paths of the listed rows, in table order.
    pub fn listed_paths(&self) -> Vec<String> {
        self.table
            .visible_rows()
            .map(|r| r.path.to_string())
            .collect()
    }

    /// The selected file's object id.
    pub fn selected(&self) -> Option<i64> {
        self.table.selected
    }

    /// Tags of the selected file, once its details are loaded.
    pub fn selected_tags(&self) -> Option<Vec<String>> {
        self.detail.as_ref().map(|d| d.tags.clone())
    }

    /// Actions of the custody log, in sequence order.
    pub fn custody_actions(&self) -> Vec<String> {
        self.custody
            .entries
            .iter()
            .map(|e| e.action.clone())
            .collect()
    }

    /// Whether the last verification holds (`None` while none finished).
    pub fn verified_ok(&self) -> Option<bool> {
        self.custody.verified_ok()
    }

    /// The status line.
    pub fn status(&self) -> &str {
        &self.status
    }

    /// The feature bar chart drawn last: its kind and (value, count) bars,
    /// most frequent first (`None` when the Features tab shows no chart).
    pub fn plotted_histogram(&self) -> Option<(String, Vec<(String, u64)>)> {
        self.findings
            .plotted
            .as_ref()
            .map(|p| (p.kind.clone(), p.bars.clone()))
    }

    /// The last search's text and results (`None` before the first search
    /// and while one runs).
    pub fn search_results(&self) -> Option<(&str, Result<&SearchResults, &str>)> {
        if self.search.loading {
            return None;
        }
        self.search
            .results
            .as_ref()
            .map(|(text, results)| (text.as_str(), results.as_ref().map_err(String::as_str)))
    }

    /// The path of the selected file, once its details are loaded.
    pub fn selected_path(&self) -> Option<&str> {
        self.detail.as_ref().map(|d| d.path.as_str())
    }

    /// The open report or export window's last result: `Ok(message)` with
    /// the path and size, or `Err(error)` (`None` while none finished).
    pub fn output_outcome(&self) -> Option<Result<&str, &str>> {
        self.output
            .as_ref()
            .and_then(|d| d.outcome.as_ref())
            .map(|r| r.as_ref().map(String::as_str).map_err(String::as_str))
    }
}
