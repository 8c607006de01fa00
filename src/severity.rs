//! Severities to OpenTelemetry severity numbers (1–24; 0 = unspecified), from
//! words (`warn`, `Warning`, `E`, `fatal`…) and from pino/bunyan numbers.
//! The original text is kept by the caller; this only maps.

/// OTel severity numbers of the six base levels.
pub const TRACE: u8 = 1;
pub const DEBUG: u8 = 5;
pub const INFO: u8 = 9;
pub const WARN: u8 = 13;
pub const ERROR: u8 = 17;
pub const FATAL: u8 = 21;

/// The severity number of a level word, case-insensitive; `None` if not a level.
pub fn from_text(text: &str) -> Option<u8> {
    let word = text.trim().to_ascii_lowercase();
    let number = match word.as_str() {
        "trace" | "trc" | "verbose" | "vrb" | "finest" | "finer" | "t" => TRACE,
        "debug" | "dbg" | "fine" | "d" | "debug2" => DEBUG,
        "info" | "inf" | "information" | "informational" | "notice" | "i" | "config" => INFO,
        "warn" | "warning" | "wrn" | "w" => WARN,
        "error" | "err" | "eror" | "e" | "severe" => ERROR,
        "fatal" | "ftl" | "critical" | "crit" | "alert" | "emerg" | "emergency" | "panic"
        | "dpanic" | "f" | "c" => FATAL,
        _ => return None,
    };
    Some(number)
}

/// The severity number of a pino/bunyan numeric level (10, 20 … 60), rounding
/// custom levels down to the nearest base level.
pub fn from_pino(level: i64) -> u8 {
    match level {
        i64::MIN..=0 => 0,
        1..=19 => TRACE,
        20..=29 => DEBUG,
        30..=39 => INFO,
        40..=49 => WARN,
        50..=59 => ERROR,
        _ => FATAL,
    }
}

/// The short name of a severity number's range, as the UI and CLI print it.
pub fn name(severity: u8) -> &'static str {
    match severity {
        1..=4 => "trace",
        5..=8 => "debug",
        9..=12 => "info",
        13..=16 => "warn",
        17..=20 => "error",
        21..=24 => "fatal",
        _ => "unspecified",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_numbers_agree() {
        assert_eq!(from_text("WARNING"), Some(WARN));
        assert_eq!(from_pino(40), WARN);
        assert_eq!(from_text("Fatal"), Some(from_pino(60)));
        assert_eq!(name(from_pino(30)), "info");
        assert_eq!(from_text("hello"), None);
    }
}
