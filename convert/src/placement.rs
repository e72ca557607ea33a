//! The adapter's placement hint (adapter/src/placement_hint.rs): whether the
//! main module was built by the Go toolchain, decided here from the module's
//! data segments, and written into the adapter's bytes so that its first
//! call does not have to read memory to find out (docs/memory.md).
//!
//! The decision is the adapter's own run-time test applied to the initial
//! memory image, exhaustively: no data below Go's first data address, and a
//! Go pclntab header (8-byte aligned, plausible counts) above it.

use anyhow::{Context, Result};
use std::borrow::Cow;
use wasi_preview1_adapter_provider::placement_hint;
use wasmparser::{DataKind, Operator, Parser, Payload, TypeRef};

/// The Go linker's lowest data address (`wasmMinDataAddr`).
const GO_FIRST_DATA_ADDRESS: u64 = 4096 + 8192;
/// The pclntab header of Go 1.20 and later on wasm: magic 0xfffffff1, two
/// zero bytes, minimum instruction size 1, pointer size 8.
const GO_PCLNTAB_HEADER: u64 = 0x0801_0000_ffff_fff1;
/// The adapter looks no further at run time; neither does this.
const GO_SCAN_LIMIT: u64 = 64 << 20;

/// What the data segments say about the main module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recognised {
    Go,
    NotGo,
}

impl Recognised {
    fn hint(self) -> i32 {
        match self {
            Recognised::Go => placement_hint::GO,
            Recognised::NotGo => placement_hint::NOT_GO,
        }
    }
}

/// Whether `module` was built by the Go toolchain, or `None` when its
/// initial memory cannot be known statically (an imported memory, passive
/// segments, offsets that are not constants); the adapter then decides at
/// run time.
pub fn recognise(module: &[u8]) -> Result<Option<Recognised>> {
    let mut memory_pages = None;
    let mut segments: Vec<(u64, &[u8])> = Vec::new();
    for payload in Parser::new(0).parse_all(module) {
        match payload.context("reading the module")? {
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    if matches!(import?.ty, TypeRef::Memory(_)) {
                        return Ok(None);
                    }
                }
            }
            Payload::MemorySection(reader) => {
                if let Some(memory) = reader.into_iter().next() {
                    let memory = memory?;
                    if memory.memory64 {
                        return Ok(None);
                    }
                    memory_pages = Some(memory.initial);
                }
            }
            Payload::DataSection(reader) => {
                for segment in reader {
                    let segment = segment?;
                    let DataKind::Active { memory_index: 0, offset_expr } = segment.kind else {
                        return Ok(None);
                    };
                    let mut ops = offset_expr.get_operators_reader();
                    let (Operator::I32Const { value }, Operator::End) = (ops.read()?, ops.read()?) else {
                        return Ok(None);
                    };
                    segments.push((u64::from(value as u32), segment.data));
                }
            }
            _ => {}
        }
    }
    let Some(pages) = memory_pages else { return Ok(None) };
    let memory_size = pages.saturating_mul(65536);
    // The adapter needs its whole low arena plus one header's worth above.
    if memory_size < GO_FIRST_DATA_ADDRESS + 64 {
        return Ok(Some(Recognised::NotGo));
    }
    let below_first_data = |&(offset, data): &(u64, &[u8])| {
        let low = GO_FIRST_DATA_ADDRESS.saturating_sub(offset).min(data.len() as u64) as usize;
        data[..low].iter().any(|&b| b != 0)
    };
    if segments.iter().any(below_first_data) {
        return Ok(Some(Recognised::NotGo));
    }
    let limit = memory_size.min(GO_SCAN_LIMIT);
    let end = segments.iter().map(|(offset, data)| offset + data.len() as u64).max().unwrap_or(0).min(limit);
    let mut image = vec![0u8; end as usize];
    for (offset, data) in &segments {
        let start = (*offset).min(end) as usize;
        let stop = (offset + data.len() as u64).min(end) as usize;
        image[start..stop].copy_from_slice(&data[..stop - start]);
    }
    // Memory past the last segment is zero.
    let word = |at: usize| (0..8).fold(0u64, |w, i| w | u64::from(image.get(at + i).copied().unwrap_or(0)) << (8 * i));
    // The adapter reads a header at `addr` only if `addr + 64` is in memory.
    let last = limit.saturating_sub(64) as usize;
    let found = (GO_FIRST_DATA_ADDRESS as usize..image.len().min(last))
        .step_by(8)
        .any(|addr| word(addr) == GO_PCLNTAB_HEADER && plausible_pclntab(word(addr + 8), word(addr + 16), word(addr + 32)));
    Ok(Some(if found { Recognised::Go } else { Recognised::NotGo }))
}

/// The adapter's test of the counts after the magic (placement.rs).
fn plausible_pclntab(nfunc: u64, nfiles: u64, funcname_offset: u64) -> bool {
    (1..1 << 24).contains(&nfunc) && (1..1 << 24).contains(&nfiles) && (1..1 << 31).contains(&funcname_offset)
}

/// `adapter` with its placement hint set for `module`. Unchanged when the
/// module cannot be recognised statically, and when the adapter has no
/// hint to set (not one of this project's, e.g. wasmtime's).
pub fn with_placement_hint<'a>(adapter: &'a [u8], module: &[u8]) -> Result<Cow<'a, [u8]>> {
    let Some(recognised) = recognise(module)? else { return Ok(Cow::Borrowed(adapter)) };
    let Some(at) = hint_offset(adapter)? else { return Ok(Cow::Borrowed(adapter)) };
    let mut hinted = adapter.to_vec();
    let init = placement_hint::init_expr(recognised.hint());
    hinted[at..at + init.len()].copy_from_slice(&init);
    Ok(Cow::Owned(hinted))
}

/// Where in `adapter` the hint global's initial value is, if it has exactly
/// one global starting at `UNKNOWN` (`verify` checks our adapters do).
pub fn hint_offset(adapter: &[u8]) -> Result<Option<usize>> {
    let unknown = placement_hint::init_expr(placement_hint::UNKNOWN);
    for payload in Parser::new(0).parse_all(adapter) {
        if let Payload::GlobalSection(reader) = payload.context("reading the adapter")? {
            let range = reader.range();
            let (start, end) = (range.start as usize, range.end as usize);
            let bytes = &adapter[start..end];
            let mut found = bytes.windows(unknown.len()).enumerate().filter(|(_, w)| *w == unknown);
            return Ok(match (found.next(), found.next()) {
                (Some((at, _)), None) => Some(start + at),
                _ => None,
            });
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_adapter_has_a_hint_to_set() {
        for (name, adapter) in crate::built_in_adapters() {
            assert!(hint_offset(adapter).unwrap().is_some(), "{name}");
        }
    }

    fn module(wat: &str) -> Vec<u8> {
        wat::parse_str(wat).unwrap()
    }

    #[test]
    fn modules_whose_memory_is_not_known_statically_get_no_hint() {
        let imported = module(r#"(module (import "env" "memory" (memory 1)))"#);
        assert_eq!(recognise(&imported).unwrap(), None);
        let passive = module(r#"(module (memory 1) (data "x"))"#);
        assert_eq!(recognise(&passive).unwrap(), None);
        let relocatable = module(r#"(module (import "env" "base" (global i32)) (memory 1) (data (global.get 0) "x"))"#);
        assert_eq!(recognise(&relocatable).unwrap(), None);
    }

    #[test]
    fn go_needs_a_pclntab_header_and_nothing_below_its_first_data() {
        let header = r#""\f1\ff\ff\ff\00\00\01\08\01\00\00\00\00\00\00\00\01\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\40""#;
        let go = module(&format!("(module (memory 2) (data (i32.const 0x8000) {header}))"));
        assert_eq!(recognise(&go).unwrap(), Some(Recognised::Go));
        let misaligned = module(&format!("(module (memory 2) (data (i32.const 0x8004) {header}))"));
        assert_eq!(recognise(&misaligned).unwrap(), Some(Recognised::NotGo));
        let low_data = module(&format!("(module (memory 2) (data (i32.const 0x400) \"x\") (data (i32.const 0x8000) {header}))"));
        assert_eq!(recognise(&low_data).unwrap(), Some(Recognised::NotGo));
        // Zero bytes below the first data address are no data.
        let low_zeros = module(&format!("(module (memory 2) (data (i32.const 0x400) \"\\00\") (data (i32.const 0x8000) {header}))"));
        assert_eq!(recognise(&low_zeros).unwrap(), Some(Recognised::Go));
        let no_counts = module(r#"(module (memory 2) (data (i32.const 0x8000) "\f1\ff\ff\ff\00\00\01\08"))"#);
        assert_eq!(recognise(&no_counts).unwrap(), Some(Recognised::NotGo));
        // The adapter only reads a header with 64 bytes of memory after it.
        let at_the_end = module(&format!("(module (memory 1) (data (i32.const 0xffd0) {header}))"));
        assert_eq!(recognise(&at_the_end).unwrap(), Some(Recognised::NotGo));
    }
}
