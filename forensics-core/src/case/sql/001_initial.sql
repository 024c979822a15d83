-- Migration 1: the object tree, its detail tables, and the custody log.
-- Every object (evidence, volume, file system, file) has one row in `objects`
-- and one row in the detail table of its kind.

CREATE TABLE case_info (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    case_number   TEXT NOT NULL,
    title         TEXT NOT NULL,
    created_utc   TEXT NOT NULL,
    created_by    TEXT NOT NULL
);

CREATE TABLE objects (
    id         INTEGER PRIMARY KEY,
    parent_id  INTEGER REFERENCES objects(id),
    kind       TEXT NOT NULL CHECK (kind IN ('evidence', 'volume', 'file_system', 'file'))
);
CREATE INDEX objects_parent ON objects(parent_id);

CREATE TABLE evidence (
    object_id       INTEGER PRIMARY KEY REFERENCES objects(id),
    path            TEXT NOT NULL UNIQUE,
    format          TEXT NOT NULL,
    media_size      INTEGER NOT NULL,
    sector_size     INTEGER NOT NULL,
    md5             TEXT NOT NULL,
    sha1            TEXT NOT NULL,
    sha256          TEXT NOT NULL,
    blake3          TEXT NOT NULL,
    stored_md5      TEXT,
    stored_sha1     TEXT,
    stored_sha256   TEXT,
    metadata_json   TEXT NOT NULL,
    segments_json   TEXT NOT NULL,
    chunk_size      INTEGER,
    compression     TEXT,
    layout_done     INTEGER NOT NULL DEFAULT 0,
    ingest_done     INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE volumes (
    object_id        INTEGER PRIMARY KEY REFERENCES objects(id),
    evidence_id      INTEGER NOT NULL REFERENCES evidence(object_id),
    partition_index  INTEGER,
    image_offset     INTEGER NOT NULL,
    len_bytes        INTEGER NOT NULL,
    fs_type          TEXT,
    done             INTEGER NOT NULL DEFAULT 0,
    UNIQUE (evidence_id, image_offset, len_bytes)
);

CREATE TABLE file_systems (
    object_id       INTEGER PRIMARY KEY REFERENCES objects(id),
    volume_id       INTEGER NOT NULL UNIQUE REFERENCES volumes(object_id),
    fs_type         TEXT NOT NULL,
    entries_done    INTEGER NOT NULL DEFAULT 0,
    done            INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE files (
    object_id      INTEGER PRIMARY KEY REFERENCES objects(id),
    fs_id          INTEGER NOT NULL REFERENCES file_systems(object_id),
    walk_index     INTEGER NOT NULL,
    entry_id       TEXT NOT NULL,
    path           TEXT NOT NULL,
    name           TEXT NOT NULL,
    kind           TEXT NOT NULL,
    size           INTEGER NOT NULL,
    deleted        INTEGER NOT NULL,
    mode           INTEGER,
    uid            INTEGER,
    gid            INTEGER,
    link_target    TEXT,
    streams_json   TEXT NOT NULL,
    modified_ns    INTEGER,
    accessed_ns    INTEGER,
    changed_ns     INTEGER,
    created_ns     INTEGER,
    fn_modified_ns INTEGER,
    fn_accessed_ns INTEGER,
    fn_changed_ns  INTEGER,
    fn_created_ns  INTEGER,
    md5            TEXT,
    sha1           TEXT,
    sha256         TEXT,
    blake3         TEXT,
    UNIQUE (fs_id, walk_index)
);
CREATE INDEX files_path ON files(path);
CREATE INDEX files_sha256 ON files(sha256);

CREATE TABLE byte_runs (
    file_id        INTEGER NOT NULL REFERENCES files(object_id),
    seq            INTEGER NOT NULL,
    file_offset    INTEGER NOT NULL,
    image_offset   INTEGER,
    len_bytes      INTEGER NOT NULL,
    PRIMARY KEY (file_id, seq)
);

CREATE TABLE hash_matches (
    object_id   INTEGER NOT NULL REFERENCES objects(id),
    set_name    TEXT NOT NULL,
    set_kind    TEXT NOT NULL,
    category    TEXT,
    algorithm   TEXT NOT NULL,
    PRIMARY KEY (object_id, set_name)
);

CREATE TABLE tags (
    object_id   INTEGER NOT NULL REFERENCES objects(id),
    tag         TEXT NOT NULL,
    examiner    TEXT NOT NULL,
    at_utc      TEXT NOT NULL,
    PRIMARY KEY (object_id, tag)
);

CREATE TABLE notes (
    id          INTEGER PRIMARY KEY,
    object_id   INTEGER REFERENCES objects(id),
    text        TEXT NOT NULL,
    bookmark    INTEGER NOT NULL DEFAULT 0,
    examiner    TEXT NOT NULL,
    at_utc      TEXT NOT NULL
);

CREATE TABLE examiners (
    key_id          TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    public_key      TEXT NOT NULL,
    registered_seq  INTEGER NOT NULL
);

CREATE TABLE problems (
    id            INTEGER PRIMARY KEY,
    object_id     INTEGER NOT NULL REFERENCES objects(id),
    image_offset  INTEGER,
    len_bytes     INTEGER,
    message       TEXT NOT NULL
);
CREATE INDEX problems_object ON problems(object_id);

CREATE TABLE custody_log (
    seq           INTEGER PRIMARY KEY,
    at_utc        TEXT NOT NULL,
    examiner      TEXT NOT NULL,
    action        TEXT NOT NULL,
    details_json  TEXT NOT NULL,
    prev_hash     TEXT NOT NULL,
    entry_hash    TEXT NOT NULL,
    signature     TEXT,
    key_id        TEXT
);

CREATE TRIGGER custody_log_no_update BEFORE UPDATE ON custody_log
BEGIN
    SELECT RAISE(ABORT, 'custody_log is append-only: UPDATE refused');
END;

CREATE TRIGGER custody_log_no_delete BEFORE DELETE ON custody_log
BEGIN
    SELECT RAISE(ABORT, 'custody_log is append-only: DELETE refused');
END;
