-- Batch work units merged into the case (see forensics_core::batch): one row
-- per unit, written in the same transaction as the unit's rows, so that a
-- merge run again skips what is in already.
CREATE TABLE unit_done (
    unit_id        TEXT PRIMARY KEY,
    evidence_id    INTEGER NOT NULL REFERENCES evidence(object_id),
    scope          TEXT NOT NULL,
    shard_sha256   TEXT NOT NULL,
    host           TEXT NOT NULL,
    tool           TEXT NOT NULL
);

-- Examiners' tags and notes (bookmarks are notes with bookmark = 1) are
-- append-only, each with its author: several examiners work one case, and
-- what one wrote is never changed or removed by another.
CREATE TRIGGER tags_no_update BEFORE UPDATE ON tags
BEGIN
    SELECT RAISE(ABORT, 'tags are append-only: UPDATE refused');
END;

CREATE TRIGGER tags_no_delete BEFORE DELETE ON tags
BEGIN
    SELECT RAISE(ABORT, 'tags are append-only: DELETE refused');
END;

CREATE TRIGGER notes_no_update BEFORE UPDATE ON notes
BEGIN
    SELECT RAISE(ABORT, 'notes are append-only: UPDATE refused');
END;

CREATE TRIGGER notes_no_delete BEFORE DELETE ON notes
BEGIN
    SELECT RAISE(ABORT, 'notes are append-only: DELETE refused');
END;
