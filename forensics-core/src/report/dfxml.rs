//! DFXML (Digital Forensics XML, the format of fiwalk, bulk_extractor and
//! hashdeep): creator and execution environment, the source images, one
//! `volume` per volume and one `fileobject` per file with name, size,
//! allocation, inode, times, byte runs and digests.
//!
//! The document uses only elements that the DFXML schema defines in both
//! its 1.x and 2.0 releases, in the order the schema's sequences require.
//! Hash digests are written for MD5, SHA-1 and SHA-256 (the schema's
//! `hashDigestType` has no BLAKE3). Times outside years 1..=9999 are left
//! out (`xs:dateTime` cannot hold them). Text from the evidence is escaped
//! with [`super::xml`].

use std::io::{self, Write};

use super::Creator;
use super::data::{ReportData, xsd_date_time};
use super::xml::escape_text;
use crate::case::{ReportFile, ReportTimes, VolumeRow};

/// The DFXML namespace.
pub const DFXML_NAMESPACE: &str =
    "http://www.forensicswiki.org/wiki/Category:Digital_Forensics_XML";
/// The DFXML version written in the root's `version` attribute.
pub const DFXML_VERSION: &str = "1.2.0";

/// Writes `data` as DFXML to `out`.
pub fn write_dfxml(data: &ReportData, creator: &Creator, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<dfxml xmlns="{DFXML_NAMESPACE}" xmlns:dc="http://purl.org/dc/elements/1.1/" version="{DFXML_VERSION}">"#
    )?;
    writeln!(out, "  <metadata>")?;
    writeln!(out, "    <dc:type>File system listing</dc:type>")?;
    writeln!(out, "  </metadata>")?;
    write_creator(creator, out)?;
    writeln!(out, "  <source>")?;
    for evidence in &data.evidence {
        writeln!(
            out,
            "    <image_filename>{}</image_filename>",
            escape_text(&evidence.path)
        )?;
    }
    writeln!(out, "  </source>")?;
    for volume in &data.volumes {
        write_volume(data, volume, out)?;
    }
    writeln!(out, "</dfxml>")
}

fn write_creator(creator: &Creator, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, r#"  <creator version="1.0">"#)?;
    writeln!(
        out,
        "    <program>{}</program>",
        escape_text(&creator.program)
    )?;
    writeln!(
        out,
        "    <version>{}</version>",
        escape_text(&creator.version)
    )?;
    writeln!(out, "    <execution_environment>")?;
    if !creator.host.is_empty() {
        writeln!(out, "      <host>{}</host>", escape_text(&creator.host))?;
    }
    if !creator.command_line.is_empty() {
        writeln!(
            out,
            "      <command_line>{}</command_line>",
            escape_text(&creator.command_line.join(" "))
        )?;
    }
    writeln!(out, "    </execution_environment>")?;
    writeln!(out, "  </creator>")
}

fn write_volume(data: &ReportData, volume: &VolumeRow, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, r#"  <volume offset="{}">"#, volume.image_offset)?;
    if volume.image_offset > 0 {
        writeln!(
            out,
            "    <partition_offset>{}</partition_offset>",
            volume.image_offset
        )?;
    }
    if let Some(evidence) = data.evidence_by_id(volume.evidence_id)
        && evidence.sector_size > 0
    {
        writeln!(
            out,
            "    <sector_size>{}</sector_size>",
            evidence.sector_size
        )?;
    }
    let file_system = data
        .file_systems
        .iter()
        .find(|fs| fs.volume_id == volume.object_id);
    if let Some(fs_type) = file_system
        .map(|fs| fs.fs_type.as_str())
        .or(volume.fs_type.as_deref())
    {
        writeln!(out, "    <ftype_str>{}</ftype_str>", escape_text(fs_type))?;
    }
    for file in data
        .files
        .iter()
        .filter(|f| f.volume_id == volume.object_id)
    {
        write_fileobject(file, volume, out)?;
    }
    writeln!(out, "  </volume>")
}

/// TSK's `name_type` letter of a kind.
fn name_type(kind: &str) -> &'static str {
    match kind {
        "file" | "stream" => "r",
        "directory" => "d",
        "symlink" => "l",
        _ => "-",
    }
}

fn write_fileobject(file: &ReportFile, volume: &VolumeRow, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "    <fileobject>")?;
    let name = file.path.strip_prefix('/').unwrap_or(&file.path);
    writeln!(out, "      <filename>{}</filename>", escape_text(name))?;
    if let Some(index) = volume.partition_index.filter(|&i| i >= 1) {
        writeln!(out, "      <partition>{index}</partition>")?;
    }
    writeln!(out, "      <id>{}</id>", file.object_id)?;
    writeln!(
        out,
        "      <name_type>{}</name_type>",
        name_type(&file.kind)
    )?;
    writeln!(out, "      <filesize>{}</filesize>", file.size)?;
    writeln!(out, "      <alloc>{}</alloc>", u8::from(!file.deleted))?;
    if let Ok(inode) = file.entry_id.parse::<u64>() {
        writeln!(out, "      <inode>{inode}</inode>")?;
    }
    for (element, value) in [("mode", file.mode), ("uid", file.uid), ("gid", file.gid)] {
        if let Some(value) = value {
            writeln!(out, "      <{element}>{value}</{element}>")?;
        }
    }
    write_times(&file.times, out)?;
    if let Some(target) = &file.link_target {
        writeln!(
            out,
            "      <link_target>{}</link_target>",
            escape_text(target)
        )?;
    }
    if !file.byte_runs.is_empty() {
        writeln!(out, "      <byte_runs>")?;
        for run in &file.byte_runs {
            match run.image_offset {
                Some(image_offset) => writeln!(
                    out,
                    r#"        <byte_run file_offset="{}" fs_offset="{}" img_offset="{image_offset}" len="{}"/>"#,
                    run.file_offset,
                    image_offset.saturating_sub(volume.image_offset),
                    run.len_bytes
                )?,
                None => writeln!(
                    out,
                    r#"        <byte_run file_offset="{}" fill="0" len="{}"/>"#,
                    run.file_offset, run.len_bytes
                )?,
            }
        }
        writeln!(out, "      </byte_runs>")?;
    }
    for (kind, digest) in [
        ("md5", &file.md5),
        ("sha1", &file.sha1),
        ("sha256", &file.sha256),
    ] {
        if let Some(hex) = digest {
            writeln!(
                out,
                r#"      <hashdigest type="{}">{}</hashdigest>"#,
                kind,
                escape_text(hex)
            )?;
        }
    }
    writeln!(out, "    </fileobject>")
}

/// `mtime`, `ctime`, `atime`, `crtime` in the schema's order.
fn write_times(times: &ReportTimes, out: &mut dyn Write) -> io::Result<()> {
    for (element, time) in [
        ("mtime", times.modified),
        ("ctime", times.changed),
        ("atime", times.accessed),
        ("crtime", times.created),
    ] {
        if let Some(text) = time.and_then(xsd_date_time) {
            writeln!(out, "      <{element}>{text}</{element}>")?;
        }
    }
    Ok(())
}
