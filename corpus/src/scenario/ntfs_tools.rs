//! The external tools the `ntfs` scenario drives: `mkntfs` formats a volume
//! file and `ntfs-3g` mounts it through FUSE so that files can be written
//! with ordinary file-system calls. The mount is undone on every path out.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Directories searched after `PATH` (mkntfs lives in an `sbin`).
const EXTRA_TOOL_DIRS: &[&str] = &["/usr/sbin", "/sbin", "/usr/local/sbin"];
/// The FUSE device ntfs-3g needs.
const FUSE_DEVICE: &str = "/dev/fuse";
/// Cluster size given to mkntfs.
pub const CLUSTER_BYTES: u32 = 4096;

/// Absolute paths of the tools, found before anything is written.
pub struct NtfsTools {
    mkntfs: PathBuf,
    ntfs_3g: PathBuf,
}

impl NtfsTools {
    /// Finds `mkntfs` and `ntfs-3g` and checks that FUSE is available;
    /// the error names the missing piece.
    pub fn find() -> Result<Self> {
        let mkntfs = find_tool("mkntfs")?;
        let ntfs_3g = find_tool("ntfs-3g")?;
        if !Path::new(FUSE_DEVICE).exists() {
            return Err(Error::ToolMissing(format!(
                "scenario ntfs needs FUSE ({FUSE_DEVICE} is missing); use ntfs-small instead"
            )));
        }
        Ok(Self { mkntfs, ntfs_3g })
    }

    /// Formats `image` (an existing file of the volume's size) as NTFS.
    pub fn format(&self, image: &Path, label: &str) -> Result<()> {
        let cluster = CLUSTER_BYTES.to_string();
        run(Command::new(&self.mkntfs)
            .args(["-F", "-q", "-f", "-s", "512", "-c", &cluster, "-L", label])
            .arg(image))
    }

    /// Mounts `image` on `mount_point` with Windows-style stream names
    /// (`file:stream` opens a named data stream).
    pub fn mount(&self, image: &Path, mount_point: &Path) -> Result<Mount> {
        run(Command::new(&self.ntfs_3g)
            .args(["-o", "streams_interface=windows"])
            .arg(image)
            .arg(mount_point))?;
        Ok(Mount {
            mount_point: mount_point.to_path_buf(),
            mounted: true,
        })
    }
}

/// A live ntfs-3g mount; [`Mount::unmount`] ends it and reports errors,
/// dropping it unmounts quietly (error paths).
pub struct Mount {
    mount_point: PathBuf,
    mounted: bool,
}

impl Mount {
    /// Where the volume is mounted.
    pub fn path(&self) -> &Path {
        &self.mount_point
    }

    /// Unmounts, flushing everything to the image file.
    pub fn unmount(mut self) -> Result<()> {
        self.mounted = false;
        unmount(&self.mount_point)
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        if self.mounted {
            let _ = unmount(&self.mount_point);
        }
    }
}

fn unmount(mount_point: &Path) -> Result<()> {
    // fusermount waits for ntfs-3g to write its caches; `umount` is the
    // fallback where fusermount is not installed (root only).
    let fuser = Command::new("fusermount")
        .arg("-u")
        .arg(mount_point)
        .output();
    if fuser.is_ok_and(|o| o.status.success()) {
        return Ok(());
    }
    run(Command::new("umount").arg(mount_point))
}

fn find_tool(name: &str) -> Result<PathBuf> {
    let path_dirs = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path_dirs)
        .chain(EXTRA_TOOL_DIRS.iter().map(PathBuf::from))
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| {
            Error::ToolMissing(format!(
                "scenario ntfs needs `{name}` (package ntfs-3g), which is not installed; use ntfs-small instead"
            ))
        })
}

fn run(command: &mut Command) -> Result<()> {
    let tool = command.get_program().to_string_lossy().into_owned();
    let output = command.output().map_err(|e| Error::io(&tool, e))?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    Err(Error::ToolFailed {
        tool,
        message: format!(
            "{}: {}",
            output.status,
            stderr.trim().lines().next().unwrap_or("no message")
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::find_tool;
    use crate::error::Error;

    #[test]
    fn a_missing_tool_is_named_in_one_line() {
        let Err(Error::ToolMissing(message)) = find_tool("no-such-tool-for-corpus") else {
            panic!("expected ToolMissing");
        };
        assert!(message.contains("`no-such-tool-for-corpus`"), "{message}");
        assert!(!message.contains('\n'));
    }
}
