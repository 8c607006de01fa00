//! Fuzzes the `ZipkinJson` decoder: any bytes, decoded into a collecting sink, must
//! end in records, problems or a `DecodeError`, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use weft::formats::{Collected, Format, ZipkinJson};

fuzz_target!(|data: &[u8]| {
    let mut input = data;
    let mut sink = Collected::default();
    let _ = ZipkinJson.decode(&mut input, &mut sink);
});
