//! Fuzzes every sniffer of `formats::FORMATS` (and the table's choice) on any head.
#![no_main]

use libfuzzer_sys::fuzz_target;
use weft::formats::{self, FORMATS};

fuzz_target!(|data: &[u8]| {
    for format in FORMATS {
        let _ = format.sniff(data);
    }
    let _ = formats::sniff(data);
});
