//! Batch ingest across machines: the manifest's units run as Slurm job arrays
//! ([`slurm`]) or Kubernetes Indexed Jobs ([`kubernetes`]), each unit one
//! `forensics batch run`, and one merge into the case when all are done.

pub mod kubernetes;
pub mod slurm;
