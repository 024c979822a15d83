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
