//! The adapter recognises Go by the header of its pclntab, and skips the
//! zeros below a module's first data with sparse probes before its
//! word-by-word scan (`adapter/src/placement.rs`, docs/memory.md). That is sound only while
//! Go's layout keeps two properties; this test checks them in the data
//! image of every Go build the tests use, so that a Go release that breaks
//! them fails here rather than in a program's heap:
//!
//! * nothing below Go's first data address (12,288), and the header found by
//!   the adapter's own probe rule;
//! * the 128 KiB after the header (where four probes would have read zero
//!   had the header been below the scan's start) are dense: at most 1%
//!   zero words (measured: at most 0.08%).
//!
//! It also checks that `p1-convert`'s static test, which sets the adapter's
//! placement hint, recognises each build as Go.

use adapter_tests::programs::{self, Program};
use adapter_tests::report;
use adapter_tests::toolchain::Toolchain;
use wasmparser::{DataKind, Operator, Parser, Payload};

const GO_FIRST_DATA_ADDRESS: usize = 12288;
const PROBE_STRIDE: usize = 32 * 1024;
const FINE_PROBE_STRIDE: usize = 4 * 1024;
const HEADER: [u8; 8] = [0xf1, 0xff, 0xff, 0xff, 0x00, 0x00, 0x01, 0x08];
const DENSE_SPAN: usize = 128 * 1024;

/// The module's memory as its data segments leave it before it runs.
fn data_image(wasm: &[u8]) -> Vec<u8> {
    let mut image = Vec::new();
    for payload in Parser::new(0).parse_all(wasm) {
        let Payload::DataSection(reader) = payload.expect("parsing the Go module") else {
            continue;
        };
        for data in reader {
            let data = data.expect("reading a data segment");
            let DataKind::Active { offset_expr, .. } = data.kind else {
                panic!("Go modules have only active segments");
            };
            let Some(Ok(Operator::I32Const { value })) = offset_expr.get_operators_reader().into_iter().next()
            else {
                panic!("segment offset is not an i32.const");
            };
            let start = value as usize;
            let end = start + data.data.len();
            if image.len() < end {
                image.resize(end, 0);
            }
            image[start..end].copy_from_slice(data.data);
        }
    }
    image
}

fn word(image: &[u8], at: usize) -> u64 {
    image.get(at..at + 8).map_or(0, |w| u64::from_le_bytes(w.try_into().unwrap()))
}

/// Where the adapter's header scan starts in `image` (its probe rule):
/// the first nonzero word of those every 32 KiB from 12,288, then down
/// 4 KiB at a time until four in a row are zero.
fn scan_start(image: &[u8]) -> usize {
    let mut probe = GO_FIRST_DATA_ADDRESS;
    while probe < image.len() && word(image, probe) == 0 {
        probe += PROBE_STRIDE;
    }
    let mut start = probe;
    let mut zeros = 0;
    while zeros < 4 && start > GO_FIRST_DATA_ADDRESS {
        start -= FINE_PROBE_STRIDE;
        zeros = if word(image, start) == 0 { zeros + 1 } else { 0 };
    }
    start
}

#[test]
fn go_layout_keeps_what_the_adapters_probe_relies_on() {
    let mut checked = 0;
    for toolchain in [Toolchain::Go, Toolchain::GoOld] {
        for case in ["hello", "json", "heap"] {
            let wasm = match programs::build(toolchain, case).expect("building the Go program") {
                Program::Built(wasm) => wasm,
                Program::Unavailable(why) => {
                    assert!(why.optional, "{}: {}", toolchain.id(), why.reason);
                    report::notice(&format!("skipped {}: {}", toolchain.id(), why.reason));
                    continue;
                }
            };
            let image = data_image(&wasm);
            let name = format!("{}/{case}", toolchain.label());
            // The converter's static test (its placement hint) agrees.
            assert_eq!(p1_convert::recognise(&wasm).unwrap(), Some(p1_convert::Recognised::Go), "{name}");
            assert!(
                image[..GO_FIRST_DATA_ADDRESS.min(image.len())].iter().all(|&b| b == 0),
                "{name}: data below {GO_FIRST_DATA_ADDRESS}"
            );
            let header = image
                .windows(8)
                .enumerate()
                .find(|(at, w)| at % 8 == 0 && *w == HEADER)
                .map(|(at, _)| at)
                .unwrap_or_else(|| panic!("{name}: no pclntab header"));
            let start = scan_start(&image);
            assert!(start <= header, "{name}: the scan starts at {start}, above the header at {header}");
            let end = (header + DENSE_SPAN).min(image.len() / 8 * 8);
            let zeros = (header..end).step_by(8).filter(|&at| word(&image, at) == 0).count();
            let words = (end - header) / 8;
            assert!(
                end - header == DENSE_SPAN && zeros * 100 <= words,
                "{name}: {zeros} of {words} words after the header are zero"
            );
            // Not needed for soundness (the adapter looks at every 8-byte
            // word if it finds no header at 32-byte ones), only for speed.
            let aligned = if header % 32 == 0 { "32-byte aligned" } else { "NOT 32-byte aligned: found by the slower pass" };
            report::notice(&format!(
                "{name}: header at {header} ({aligned}), scan from {start}, {zeros} zero words of {words} after it"
            ));
            checked += 1;
        }
    }
    assert!(checked > 0, "no Go toolchain: nothing checked");
}
