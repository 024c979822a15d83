//! Talking to the test cluster: is it there, and waiting for jobs to end.

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Longest wait for a batch to finish on the test cluster.
const JOB_DEADLINE: Duration = Duration::from_secs(300);

/// Runs a command, killing it after `limit` (a Slurm client can wait long
/// for a controller that is not there).
fn run_with_limit(command: &mut Command, limit: Duration) -> Option<Output> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .ok()?;
    let started = Instant::now();
    loop {
        if child.try_wait().ok()?.is_some() {
            return child.wait_with_output().ok();
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Whether a Slurm controller answers with at least one usable node.
pub(super) fn slurm_running() -> bool {
    let output = run_with_limit(
        Command::new("sinfo").args(["-h", "-o", "%t"]),
        Duration::from_secs(20),
    );
    output.is_some_and(|out| {
        let states = String::from_utf8_lossy(&out.stdout);
        out.status.success()
            && states
                .lines()
                .any(|s| ["idle", "mix", "alloc"].contains(&s.trim()))
    })
}

/// `JobState` of every task of a job, from `scontrol show job -o`.
fn job_states(job_id: &str) -> Vec<String> {
    let Some(output) = run_with_limit(
        Command::new("scontrol").args(["show", "job", "-o", job_id]),
        Duration::from_secs(20),
    ) else {
        return Vec::new();
    };
    String::from_utf8_lossy(&output.stdout)
        .split_whitespace()
        .filter_map(|field| field.strip_prefix("JobState="))
        .map(str::to_owned)
        .collect()
}

/// Waits until every task of the job has ended; returns their states.
pub(super) fn wait_for_job(job_id: &str) -> Vec<String> {
    let started = Instant::now();
    loop {
        let states = job_states(job_id);
        let running = [
            "PENDING",
            "RUNNING",
            "CONFIGURING",
            "COMPLETING",
            "REQUEUED",
        ];
        if !states.is_empty() && states.iter().all(|s| !running.contains(&s.as_str())) {
            return states;
        }
        assert!(
            started.elapsed() < JOB_DEADLINE,
            "job {job_id} still not finished after {JOB_DEADLINE:?}: {states:?}"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
}
