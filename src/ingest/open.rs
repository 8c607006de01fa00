//! Opens an input file for decoding: hashes its bytes (blake3, to know whether
//! the case already holds this content), detects gzip and zstd by their magic
//! bytes and decompresses them as a stream, and counts the bytes read from disk
//! for progress, then asks the format table which format the content is.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::formats::{self, DecodeError, Format, RecordSink, SNIFF_LEN};

const GZIP_MAGIC: [u8; 2] = [0x1F, 0x8B];
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xB5, 0x2F, 0xFD];
const BUFFER: usize = 256 * 1024;

/// How the file's bytes are wrapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
}

/// The blake3 hash of a file's bytes, as lowercase hex.
pub fn hash_file(path: &Path) -> io::Result<String> {
    let mut hasher = blake3::Hasher::new();
    hasher.update_reader(File::open(path)?)?;
    Ok(hasher.finalize().to_hex().to_string())
}

/// The blake3 hash of the first `len` bytes of a file (a file still being written
/// is loaded as the `len` bytes it had when its load began).
pub fn hash_prefix(path: &Path, len: u64) -> io::Result<String> {
    hash_prefix_until(path, len, &|| false)
}

/// `hash_prefix`, ending with an error at the first read after
/// `stopped` says so.
pub(crate) fn hash_prefix_until(
    path: &Path,
    len: u64,
    stopped: &dyn Fn() -> bool,
) -> io::Result<String> {
    let mut hasher = blake3::Hasher::new();
    let hashed = io::copy(
        &mut File::open(path)?.take(len),
        &mut HashWriter {
            hasher: &mut hasher,
            stopped,
        },
    )?;
    if hashed < len {
        return Err(io::Error::other(format!(
            "the file changed while it was read ({len} bytes at first, {hashed} now)"
        )));
    }
    Ok(hasher.finalize().to_hex().to_string())
}

struct HashWriter<'a> {
    hasher: &'a mut blake3::Hasher,
    stopped: &'a dyn Fn() -> bool,
}

impl io::Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if (self.stopped)() {
            // Not `Interrupted`: io::copy would retry that.
            return Err(io::Error::other("stopped before the file was read"));
        }
        self.hasher.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The decompressed content of `path`; `bytes_read` counts bytes read from disk.
pub fn open_decompressed(
    path: &Path,
    bytes_read: Arc<AtomicU64>,
) -> io::Result<(Box<dyn BufRead + Send>, Compression)> {
    open_decompressed_prefix(path, None, bytes_read)
}

/// As `open_decompressed`, reading no more than the first `len` bytes of the file
/// (all it has when `None`).
fn open_decompressed_prefix(
    path: &Path,
    len: Option<u64>,
    bytes_read: Arc<AtomicU64>,
) -> io::Result<(Box<dyn BufRead + Send>, Compression)> {
    let file = File::open(path)?;
    let meta = file.metadata()?;
    let size = len.unwrap_or(meta.len());
    let mut raw = BufReader::with_capacity(
        BUFFER,
        CountingReader {
            inner: file,
            bytes_read,
            read: 0,
            size_at_open: size,
            modified_at_open: meta.modified().ok().filter(|_| meta.len() == size),
        },
    );
    let head = raw.fill_buf()?;
    if head.starts_with(&GZIP_MAGIC) {
        let decoder = flate2::bufread::MultiGzDecoder::new(raw);
        Ok((
            Box::new(BufReader::with_capacity(BUFFER, decoder)),
            Compression::Gzip,
        ))
    } else if head.starts_with(&ZSTD_MAGIC) {
        let decoder = zstd::stream::read::Decoder::with_buffer(raw)?;
        Ok((
            Box::new(BufReader::with_capacity(BUFFER, decoder)),
            Compression::Zstd,
        ))
    } else {
        Ok((Box::new(raw), Compression::None))
    }
}

/// How much decompressed content the framing and format checks may look at.
const HEAD_LEN: usize = 1024 * 1024;

/// An opened file: its decompressed content and the format sniffed from its head.
pub struct Sniffed {
    pub input: Box<dyn BufRead + Send>,
    pub compression: Compression,
    /// `None` when no format recognizes the content.
    pub format: Option<&'static dyn Format>,
    /// True when the (decompressed) content is empty.
    pub empty: bool,
}

/// Opens `path`, decompresses it and sniffs its format.
pub fn open_sniffed(path: &Path, bytes_read: Arc<AtomicU64>) -> io::Result<Sniffed> {
    open_sniffed_prefix(path, None, bytes_read)
}

/// As `open_sniffed`, for the first `len` bytes of the file (see `hash_prefix`).
pub fn open_sniffed_prefix(
    path: &Path,
    len: Option<u64>,
    bytes_read: Arc<AtomicU64>,
) -> io::Result<Sniffed> {
    let (input, compression) = open_decompressed_prefix(path, len, bytes_read)?;
    let (head, input) = peek_head(input, HEAD_LEN)?;
    let format = formats::sniff(&head[..head.len().min(SNIFF_LEN)]);
    Ok(Sniffed {
        input,
        compression,
        format,
        empty: head.is_empty(),
    })
}

/// Why a file could not be decoded at all.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("{path}: {source}")]
    Open { path: String, source: io::Error },
    #[error("{path}: not a trace or log file")]
    UnknownFormat { path: String },
    #[error("{path}: {source}")]
    Decode { path: String, source: DecodeError },
}

/// Decodes a whole file into `sink` without a case: for tests and tools.
pub fn decode_file(
    path: &Path,
    sink: &mut dyn RecordSink,
) -> Result<&'static dyn Format, FileError> {
    let shown = || path.display().to_string();
    let mut sniffed = open_sniffed(path, Arc::default()).map_err(|source| FileError::Open {
        path: shown(),
        source,
    })?;
    let format = sniffed
        .format
        .ok_or_else(|| FileError::UnknownFormat { path: shown() })?;
    format
        .decode(&mut sniffed.input, sink)
        .map_err(|source| FileError::Decode {
            path: shown(),
            source,
        })?;
    Ok(format)
}

/// Up to `len` bytes from the start of the (decompressed) input, without consuming them
/// from `input`'s point of view: the caller gets a new reader that replays them.
pub fn peek_head(
    mut input: Box<dyn BufRead + Send>,
    len: usize,
) -> io::Result<(Vec<u8>, Box<dyn BufRead + Send>)> {
    let mut head = Vec::with_capacity(len);
    (&mut input).take(len as u64).read_to_end(&mut head)?;
    let replay = io::Cursor::new(head.clone()).chain(input);
    Ok((head, Box::new(BufReader::with_capacity(BUFFER, replay))))
}

/// Counts the bytes read from disk, reads no more than the `size_at_open` bytes the
/// load began with, and at their end checks that the file still starts with them as
/// far as can be told: a file truncated or rewritten while it loads would give
/// records that match neither its old content (whose hash the source records) nor
/// its new one, so that is a read error that fails the source. A file that grew
/// (a log still being written) is loaded as it was when the load began; following
/// it loads the rest. A file deleted while it loads is read to its end through the
/// open handle.
struct CountingReader {
    inner: File,
    bytes_read: Arc<AtomicU64>,
    read: u64,
    size_at_open: u64,
    /// The modification time when the load began, if the file had exactly
    /// `size_at_open` bytes then (else it was already growing).
    modified_at_open: Option<std::time::SystemTime>,
}

impl CountingReader {
    fn check_unchanged(&self) -> io::Result<()> {
        let meta = self.inner.metadata()?;
        let rewritten = meta.len() == self.size_at_open
            && self.modified_at_open.is_some()
            && meta.modified().ok() != self.modified_at_open;
        if self.read == self.size_at_open && meta.len() >= self.size_at_open && !rewritten {
            return Ok(());
        }
        Err(io::Error::other(format!(
            "the file changed while it was read ({} bytes when opened, {} now, {} read); \
             load it again once it is complete",
            self.size_at_open,
            meta.len(),
            self.read
        )))
    }
}

impl Read for CountingReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let room = (self.size_at_open - self.read.min(self.size_at_open)) as usize;
        let len = buf.len().min(room);
        let read = if len == 0 {
            0
        } else {
            self.inner.read(&mut buf[..len])?
        };
        if read == 0 && !buf.is_empty() {
            self.check_unchanged()?;
        }
        self.read += read as u64;
        self.bytes_read.fetch_add(read as u64, Ordering::Relaxed);
        Ok(read)
    }
}
