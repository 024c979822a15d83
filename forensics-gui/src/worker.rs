//! The case worker: one thread owns the open case and answers the UI's
//! requests (tree, file listings, details, tags, notes, custody log,
//! searches) over channels; the UI thread never touches the database.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};

use eframe::egui;
use forensics_core::case::{
    CarvedRow, Case, CaseInfo, CustodyEntry, EvidenceRow, FeatureCount, FileListQuery, FileRow,
    FolderRow, NoteRow, ProblemRow, SearchResults, VolumeRow,
};

use crate::rows::CompactRow;

/// What the UI asks the case worker for.
#[derive(Debug, Clone)]
pub(crate) enum Request {
    /// Evidence items and volumes (the top of the tree).
    Tree,
    /// Folders below `path` of file system `fs_id`.
    Subfolders {
        /// File system object id.
        fs_id: i64,
        /// Parent folder path.
        path: String,
    },
    /// The files matching `query`; the reply carries `generation` back.
    Files {
        /// Which listing this is (older replies are dropped).
        generation: u64,
        /// Scope and filters.
        query: FileListQuery,
    },
    /// One file's details.
    FileDetail(i64),
    /// Tag an object.
    Tag {
        /// The object.
        object_id: i64,
        /// The tag.
        tag: String,
    },
    /// Write a note or bookmark.
    Note {
        /// The object, or `None` for the case.
        object_id: Option<i64>,
        /// The text.
        text: String,
        /// A bookmark rather than a note.
        bookmark: bool,
    },
    /// The custody log, chain head, notes and problems.
    Log,
    /// Files, features and notes containing `text`.
    Search {
        /// Which search this is (older replies are dropped).
        generation: u64,
        /// The text searched for.
        text: String,
    },
}

/// What the case worker answers.
#[derive(Debug)]
pub(crate) enum Reply {
    /// Case facts and the top of the tree.
    Tree {
        /// Case number, title, creator; creation time.
        info: Option<(CaseInfo, String)>,
        /// Evidence items.
        evidence: Vec<EvidenceRow>,
        /// Volumes.
        volumes: Vec<VolumeRow>,
    },
    /// Folders below a path.
    Subfolders {
        /// File system object id.
        fs_id: i64,
        /// Parent folder path.
        path: String,
        /// The folders.
        folders: Vec<FolderRow>,
    },
    /// A file listing.
    Files {
        /// The request's generation.
        generation: u64,
        /// The rows, in file-system and path order.
        rows: Arc<Vec<CompactRow>>,
    },
    /// One file's details (`None` if it is not a file).
    FileDetail(i64, Option<Box<FileRow>>),
    /// A tag or note was written; the message says what.
    Changed(String),
    /// The custody log and what hangs on it.
    Log {
        /// Entries in sequence order.
        entries: Vec<CustodyEntry>,
        /// The chain head.
        head: Option<String>,
        /// Notes and bookmarks.
        notes: Vec<NoteRow>,
        /// Recorded problems.
        problems: Vec<ProblemRow>,
        /// Carved files.
        carved: Vec<CarvedRow>,
        /// Feature histograms.
        histogram: Vec<FeatureCount>,
    },
    /// What a search found, or why it failed.
    Search {
        /// The request's generation.
        generation: u64,
        /// The text searched for.
        text: String,
        /// The hits of each kind.
        results: Result<SearchResults, String>,
    },
    /// A request failed.
    Error(String),
}

/// The handle the UI keeps.
pub(crate) struct CaseWorker {
    requests: Sender<Request>,
    replies: Receiver<Reply>,
}

impl CaseWorker {
    /// Moves `case` onto its own thread.
    pub(crate) fn start(case: Case, ctx: egui::Context) -> Self {
        let (requests, inbox) = channel::<Request>();
        let (outbox, replies) = channel();
        std::thread::spawn(move || {
            let mut case = case;
            for request in inbox {
                let reply = answer(&mut case, request);
                if outbox.send(reply).is_err() {
                    break;
                }
                ctx.request_repaint();
            }
        });
        Self { requests, replies }
    }

    /// Queues a request (dropped silently if the worker has ended).
    pub(crate) fn send(&self, request: Request) {
        self.requests.send(request).ok();
    }

    /// The next reply, if any has arrived.
    pub(crate) fn try_recv(&self) -> Option<Reply> {
        self.replies.try_recv().ok()
    }
}

fn answer(case: &mut Case, request: Request) -> Reply {
    let result = match request {
        Request::Tree => (|| {
            Ok(Reply::Tree {
                info: case.info().ok(),
                evidence: case.evidence_items()?,
                volumes: case.volumes()?,
            })
        })(),
        Request::Subfolders { fs_id, path } => {
            case.subfolders(fs_id, &path)
                .map(|folders| Reply::Subfolders {
                    fs_id,
                    path,
                    folders,
                })
        }
        Request::Files { generation, query } => {
            let mut rows = Vec::new();
            case.for_each_file(&query, &mut |row| rows.push(CompactRow::from_list_row(row)))
                .map(|_| Reply::Files {
                    generation,
                    rows: Arc::new(rows),
                })
        }
        Request::FileDetail(object_id) => case
            .file_by_id(object_id)
            .map(|file| Reply::FileDetail(object_id, file.map(Box::new))),
        Request::Tag { object_id, tag } => case.tag(object_id, &tag).map(|entry| {
            Reply::Changed(format!(
                "tagged object {object_id} \"{tag}\" (custody entry {})",
                entry.seq
            ))
        }),
        Request::Note {
            object_id,
            text,
            bookmark,
        } => case
            .note(object_id, &text, bookmark)
            .map(|(note_id, entry)| {
                let what = if bookmark { "bookmark" } else { "note" };
                Reply::Changed(format!(
                    "{what} {note_id} written (custody entry {})",
                    entry.seq
                ))
            }),
        Request::Log => (|| {
            Ok(Reply::Log {
                entries: case.custody_log()?,
                head: case.chain_head()?,
                notes: case.notes()?,
                problems: case.problems()?,
                carved: case.carved_files()?,
                histogram: case
                    .feature_histogram(crate::findings_panel::HISTOGRAM_VALUES_PER_KIND)?,
            })
        })(),
        Request::Search { generation, text } => Ok(Reply::Search {
            results: case
                .search(&text, crate::search_panel::SEARCH_HITS_PER_KIND)
                .map_err(|e| e.to_string()),
            generation,
            text,
        }),
    };
    result.unwrap_or_else(|e: forensics_core::case::Error| Reply::Error(e.to_string()))
}
