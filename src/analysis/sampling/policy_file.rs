//! Reads a tail sampling policy file, for `weft sample --policy` and the app's
//! "Load config…": at most `MAX_POLICY_BYTES` (a Collector configuration is a few
//! kilobytes; a bigger file is the wrong file, refused before it is read whole),
//! UTF-8 (an invalid byte is named by its line and byte offset). Reading its YAML
//! is `config.rs`'s; this file only gets the text.

use std::io::Read;
use std::path::{Path, PathBuf};

/// The largest policy file read.
pub const MAX_POLICY_BYTES: u64 = 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum PolicyFileError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: more than {max} bytes: not a Collector configuration", path.display(), max = MAX_POLICY_BYTES)]
    TooLarge { path: PathBuf },
    #[error("{}: line {line}: not UTF-8 (byte offset {offset})", path.display())]
    NotUtf8 {
        path: PathBuf,
        line: usize,
        offset: usize,
    },
}

/// The text of the policy file at `path`.
pub fn read_policy_file(path: &Path) -> Result<String, PolicyFileError> {
    let io = |source| PolicyFileError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    file.take(MAX_POLICY_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_POLICY_BYTES {
        return Err(PolicyFileError::TooLarge {
            path: path.to_path_buf(),
        });
    }
    String::from_utf8(bytes).map_err(|error| {
        let offset = error.utf8_error().valid_up_to();
        let line = 1 + error.as_bytes()[..offset]
            .iter()
            .filter(|&&byte| byte == b'\n')
            .count();
        PolicyFileError::NotUtf8 {
            path: path.to_path_buf(),
            line,
            offset,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_policy_file_is_read_whole_and_bad_ones_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("policy.yaml");
        std::fs::write(&good, "policies:\n  - name: all\n    type: always_sample\n").unwrap();
        assert_eq!(
            read_policy_file(&good).unwrap(),
            "policies:\n  - name: all\n    type: always_sample\n"
        );

        let latin1 = dir.path().join("latin1.yaml");
        std::fs::write(&latin1, b"policies:\n  - name: caf\xe9\n").unwrap();
        let message = read_policy_file(&latin1).unwrap_err().to_string();
        assert_eq!(
            message,
            format!("{}: line 2: not UTF-8 (byte offset 23)", latin1.display())
        );

        let big = dir.path().join("big.yaml");
        std::fs::write(&big, vec![b'#'; MAX_POLICY_BYTES as usize + 1]).unwrap();
        let message = read_policy_file(&big).unwrap_err().to_string();
        assert!(
            message.contains("big.yaml: more than 1048576 bytes"),
            "{message}"
        );
        // Exactly the limit is read.
        std::fs::write(&big, vec![b'#'; MAX_POLICY_BYTES as usize]).unwrap();
        assert_eq!(
            read_policy_file(&big).unwrap().len(),
            MAX_POLICY_BYTES as usize
        );

        let missing = dir.path().join("missing.yaml");
        let message = read_policy_file(&missing).unwrap_err().to_string();
        assert!(
            message.starts_with(&format!("{}: ", missing.display())),
            "{message}"
        );
    }
}
