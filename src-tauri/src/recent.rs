//! The cases this user opened, newest first, kept across launches in a small JSON
//! file in the app's config folder (`recent-cases.json`). The first one is the
//! case the app opens when no `--case` is given. A missing or unreadable file is
//! an empty list: forgetting recent cases must never stop the app.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// How many cases File → Recent cases lists.
pub const MAX_RECENT: usize = 10;
pub const FILE_NAME: &str = "recent-cases.json";

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recent {
    /// Case files, the one open last first.
    pub cases: Vec<PathBuf>,
}

impl Recent {
    /// The list stored at `file`; empty when there is none or it cannot be read.
    pub fn load(file: &Path) -> Recent {
        std::fs::read(file)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    /// Writes the list to `file` (creating its folder), replacing it atomically.
    pub fn save(&self, file: &Path) -> std::io::Result<()> {
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let text = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        let partial = file.with_extension("json.partial");
        std::fs::write(&partial, text)?;
        std::fs::rename(&partial, file)
    }

    /// Puts `case` first (once), keeping at most `MAX_RECENT`.
    pub fn opened(&mut self, case: &Path) {
        self.cases.retain(|known| known != case);
        self.cases.insert(0, case.to_path_buf());
        self.cases.truncate(MAX_RECENT);
    }

    /// The case open last time, when its file is still there.
    pub fn last_open(&self) -> Option<&Path> {
        self.cases
            .first()
            .map(PathBuf::as_path)
            .filter(|case| case.is_file())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opening_moves_a_case_first_once_and_keeps_ten() {
        let mut recent = Recent::default();
        for index in 0..12 {
            recent.opened(Path::new(&format!("/cases/{index}.weft")));
        }
        recent.opened(Path::new("/cases/5.weft"));
        assert_eq!(recent.cases.len(), MAX_RECENT);
        assert_eq!(recent.cases[0], Path::new("/cases/5.weft"));
        assert_eq!(recent.cases[1], Path::new("/cases/11.weft"));
        assert_eq!(
            recent
                .cases
                .iter()
                .filter(|case| case.ends_with("5.weft"))
                .count(),
            1
        );
    }

    #[test]
    fn round_trips_and_forgives_a_bad_file() {
        let dir = std::env::temp_dir().join(format!("weft-recent-{}", std::process::id()));
        let file = dir.join("config").join(FILE_NAME);
        assert_eq!(Recent::load(&file), Recent::default());
        let case = dir.join("a.weft");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(&case, b"").unwrap();
        let mut recent = Recent::default();
        recent.opened(Path::new("/gone.weft"));
        recent.opened(&case);
        recent.save(&file).unwrap();
        let loaded = Recent::load(&file);
        assert_eq!(loaded, recent);
        assert_eq!(loaded.last_open(), Some(case.as_path()));
        std::fs::write(&file, b"{not json").unwrap();
        assert_eq!(Recent::load(&file), Recent::default());
        let gone = Recent {
            cases: vec!["/gone.weft".into()],
        };
        assert_eq!(gone.last_open(), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
