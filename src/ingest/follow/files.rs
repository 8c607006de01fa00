//! The files side of follow mode: reading complete lines from an offset, judging
//! from a file's first complete lines whether it can be followed, hashing a file's
//! first bytes (to tell its content from a new one), and inodes. No SQLite here.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use super::FollowError;
use crate::formats::{self, Format, SNIFF_LEN};

/// The most bytes decoded and committed as one append.
const CHUNK_LEN: u64 = 4 << 20;
/// Formats whose records are lines, so that a file can be loaded piece by piece.
const LINE_FORMATS: &[&str] = &["json-log", "text-log", "otlp-json"];

/// What a file's first bytes say about following it.
pub(super) enum Verdict {
    Follow(&'static dyn Format),
    LoadOnce,
    Wait,
}

/// The complete lines of `file` from `offset` (at most about `CHUNK_LEN` bytes, more
/// when one line is longer); with `to_end`, also a last line without a newline.
pub(super) fn read_lines(
    file: &File,
    offset: u64,
    to_end: bool,
) -> Result<Option<Vec<u8>>, FollowError> {
    let mut reader = file;
    reader.seek(SeekFrom::Start(offset))?;
    let mut chunk = Vec::new();
    loop {
        let before = chunk.len();
        reader.take(CHUNK_LEN).read_to_end(&mut chunk)?;
        let at_end = chunk.len() - before < CHUNK_LEN as usize;
        if let Some(last) = chunk.iter().rposition(|&b| b == b'\n') {
            if !(at_end && to_end) {
                chunk.truncate(last + 1);
            }
            return Ok(Some(chunk));
        }
        if at_end {
            return Ok((to_end && !chunk.is_empty()).then_some(chunk));
        }
    }
}

/// Whether the file (from its start) can be followed, judged on complete lines only.
pub(super) fn verdict(file: &File) -> Result<Verdict, FollowError> {
    let mut head = Vec::with_capacity(SNIFF_LEN);
    let mut reader = file;
    reader.seek(SeekFrom::Start(0))?;
    reader.take(SNIFF_LEN as u64).read_to_end(&mut head)?;
    if head.is_empty() {
        return Ok(Verdict::Wait);
    }
    if head.starts_with(&[0x1F, 0x8B]) || head.starts_with(&[0x28, 0xB5, 0x2F, 0xFD]) {
        return Ok(Verdict::LoadOnce);
    }
    match formats::sniff(&head) {
        Some(format) if !LINE_FORMATS.contains(&format.name()) => return Ok(Verdict::LoadOnce),
        None if !head.contains(&b'\n') => return Ok(Verdict::LoadOnce),
        _ => {}
    }
    let Some(last) = head.iter().rposition(|&b| b == b'\n') else {
        return Ok(Verdict::Wait);
    };
    let lines = &head[..=last];
    Ok(match formats::sniff(lines) {
        Some(format) if format.name() == "otlp-json" => {
            let text = formats::trim_start(lines);
            let first = &text[..text.iter().position(|&b| b == b'\n').unwrap_or(text.len())];
            if serde_json::from_slice::<serde::de::IgnoredAny>(first).is_ok() {
                Verdict::Follow(format)
            } else {
                Verdict::LoadOnce
            }
        }
        Some(format) if LINE_FORMATS.contains(&format.name()) => Verdict::Follow(format),
        _ => Verdict::LoadOnce,
    })
}

/// blake3 (hex) of the first `len` bytes of `file` (fewer if it is shorter).
pub(super) fn head_hash_of(file: &File, len: u64) -> std::io::Result<String> {
    let mut reader = file;
    reader.seek(SeekFrom::Start(0))?;
    let mut hasher = blake3::Hasher::new();
    hasher.update_reader(reader.take(len))?;
    Ok(hasher.finalize().to_hex().to_string())
}

/// Of the first `len` bytes of the file (all when shorter): the content hash (as
/// `hash_file`), the bytes read, the newlines and whether the last byte is one.
pub(super) fn scan_prefix(path: &Path, len: u64) -> std::io::Result<(String, u64, u64, bool)> {
    let mut file = File::open(path)?.take(len);
    let mut hasher = blake3::Hasher::new();
    let mut buffer = vec![0u8; 256 * 1024];
    let (mut size, mut newlines, mut last) = (0u64, 0u64, b'\n');
    loop {
        let n = file.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        size += n as u64;
        newlines += buffer[..n].iter().filter(|&&b| b == b'\n').count() as u64;
        last = buffer[n - 1];
    }
    Ok((
        hasher.finalize().to_hex().to_string(),
        size,
        newlines,
        last == b'\n',
    ))
}

/// The absolute path, also of a file that does not exist yet (through its folder).
pub(super) fn canonical(path: &Path) -> PathBuf {
    if let Ok(path) = std::fs::canonicalize(path) {
        return path;
    }
    let folder = match path.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder,
        _ => Path::new("."),
    };
    match (std::fs::canonicalize(folder), path.file_name()) {
        (Ok(folder), Some(name)) => folder.join(name),
        _ => path.to_path_buf(),
    }
}

pub(super) fn inode_of(path: &Path) -> Option<u64> {
    std::fs::metadata(path).ok().map(|meta| inode(&meta))
}

#[cfg(unix)]
pub(super) fn inode(meta: &std::fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::ino(meta)
}

#[cfg(not(unix))]
pub(super) fn inode(_meta: &std::fs::Metadata) -> u64 {
    0
}
