//! The files the package installs beside the `weft` binary (issue 21), made from the
//! clap definition so they never drift from it: completions for bash, zsh and fish
//! (clap_complete) and the man page (clap_mangen). `weft shell-files DIR` (hidden)
//! writes them; `scripts/package.sh` runs it before the bundler.

use std::path::Path;

use anyhow::{Context, Result};
use clap_complete::Shell;

/// The files written into the folder, named as the package installs them (the
/// folders they go to are in src-tauri/tauri.conf.json `bundle.linux.deb.files`).
pub const FILES: [&str; 4] = ["weft.bash", "_weft", "weft.fish", "weft.1"];

/// Writes `FILES` for `command` into `dir` (created when missing).
pub fn write(command: clap::Command, dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut command = without_hidden(&command);
    command.build();
    for (shell, name) in [
        (Shell::Bash, FILES[0]),
        (Shell::Zsh, FILES[1]),
        (Shell::Fish, FILES[2]),
    ] {
        let mut text = Vec::new();
        clap_complete::generate(shell, &mut command, "weft", &mut text);
        write_file(&dir.join(name), &text)?;
    }
    let mut page = Vec::new();
    clap_mangen::Man::new(command.clone())
        .render(&mut page)
        .context("cannot render the man page")?;
    write_file(&dir.join(FILES[3]), &page)
}

/// `command` (`weft`'s) without its hidden subcommands (clap_complete offers them otherwise, and
/// `weft help` lists them): its name, texts, arguments and the visible subcommands.
fn without_hidden(command: &clap::Command) -> clap::Command {
    let mut clean = clap::Command::new("weft").version(env!("CARGO_PKG_VERSION"));
    if let Some(about) = command.get_about() {
        clean = clean.about(about.clone());
    }
    if let Some(about) = command.get_long_about() {
        clean = clean.long_about(about.clone());
    }
    clean = clean
        .args(command.get_arguments().cloned())
        .subcommand_required(command.is_subcommand_required_set());
    clean.subcommands(
        command
            .get_subcommands()
            .filter(|sub| !sub.is_hide_set())
            .cloned(),
    )
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}
