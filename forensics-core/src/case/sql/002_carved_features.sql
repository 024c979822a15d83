-- Migration 2: carved files (a new object kind, under their evidence or
-- under the carved file that contains them) and features found by the scan.
-- `objects` is rebuilt to widen its kind CHECK (SQLite cannot alter a CHECK);
-- the migration runs with foreign keys off and checks them before commit.

CREATE TABLE objects_v2 (
    id         INTEGER PRIMARY KEY,
    parent_id  INTEGER REFERENCES objects(id),
    kind       TEXT NOT NULL
               CHECK (kind IN ('evidence', 'volume', 'file_system', 'file', 'carved'))
);
INSERT INTO objects_v2 (id, parent_id, kind) SELECT id, parent_id, kind FROM objects;
DROP TABLE objects;
ALTER TABLE objects_v2 RENAME TO objects;
CREATE INDEX objects_parent ON objects(parent_id);

CREATE TABLE carved_files (
    object_id       INTEGER PRIMARY KEY REFERENCES objects(id),
    evidence_id     INTEGER NOT NULL REFERENCES evidence(object_id),
    carve_index     INTEGER NOT NULL,
    type            TEXT NOT NULL,
    image_offset    INTEGER NOT NULL,
    len_bytes       INTEGER NOT NULL,
    status          TEXT NOT NULL,
    fragments_json  TEXT NOT NULL,
    forensic_path   TEXT NOT NULL,
    nested_in       INTEGER REFERENCES carved_files(object_id),
    md5             TEXT NOT NULL,
    sha1            TEXT NOT NULL,
    sha256          TEXT NOT NULL,
    blake3          TEXT NOT NULL,
    UNIQUE (evidence_id, carve_index)
);
CREATE INDEX carved_sha256 ON carved_files(sha256);

CREATE TABLE features (
    id              INTEGER PRIMARY KEY,
    evidence_id     INTEGER NOT NULL REFERENCES evidence(object_id),
    scan_index      INTEGER NOT NULL,
    kind            TEXT NOT NULL,
    value           TEXT NOT NULL,
    image_offset    INTEGER NOT NULL,
    encoding        TEXT NOT NULL,
    forensic_path   TEXT NOT NULL,
    context         TEXT NOT NULL,
    file_id         INTEGER REFERENCES files(object_id),
    UNIQUE (evidence_id, scan_index)
);
CREATE INDEX features_kind_value ON features(kind, value);
CREATE INDEX features_file ON features(file_id);

ALTER TABLE evidence ADD COLUMN carve_done INTEGER NOT NULL DEFAULT 0;
ALTER TABLE evidence ADD COLUMN scan_done INTEGER NOT NULL DEFAULT 0;
