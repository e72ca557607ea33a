//! The adapter's placement hint (provider/src/placement_hint.rs): that the
//! main module was rewritten for the interposed placement (`interpose`),
//! or else whether it was built by the Go toolchain, decided here from the
//! module's data segments; written into the adapter's bytes so that its
//! first call does not have to read memory to find out (docs/memory.md).
//!
//! The decision is the adapter's own run-time test applied to the initial
//! memory image, exhaustively: no data below Go's first data address, and a
//! Go pclntab header (8-byte aligned, plausible counts) above it. The
//! constants of that test are shared with the adapter (`placement_hint`).

use crate::interpose::interposed_hint;
use crate::rewrite::Layout;
use anyhow::{Context, Result};
use std::borrow::Cow;
use wasi_preview1_adapter_provider::placement_hint::{
    self, plausible_counts, room_for_go, GO_FIRST_DATA_ADDRESS, GO_HEADER_SPAN, GO_PCLNTAB_HEADER, GO_SCAN_LIMIT,
};
use wasmparser::{DataKind, Encoding, ExternalKind, Operator, Parser, Payload, TypeRef};

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

/// Whether `module` was built by the Go toolchain, or `None` when the memory
/// the adapter will read cannot be known statically: a component, an
/// imported memory or more than one, a memory64 or custom page size, a
/// `memory` export that is not memory 0, passive segments, offsets that are
/// not constants. The adapter then decides at run time.
pub fn recognise(module: &[u8]) -> Result<Option<Recognised>> {
    let mut memories = Vec::new();
    let mut exported_memory = None;
    let mut segments: Vec<(u64, &[u8])> = Vec::new();
    for payload in Parser::new(0).parse_all(module) {
        match payload.context("reading the module")? {
            Payload::Version { encoding: Encoding::Component, .. } => return Ok(None),
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    if matches!(import?.ty, TypeRef::Memory(_)) {
                        return Ok(None);
                    }
                }
            }
            Payload::MemorySection(reader) => {
                for memory in reader {
                    memories.push(memory?);
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export?;
                    if export.kind == ExternalKind::Memory && export.name == "memory" {
                        exported_memory = Some(export.index);
                    }
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
    let [memory] = memories[..] else { return Ok(None) };
    if memory.memory64 || memory.page_size_log2.is_some() || exported_memory != Some(0) {
        return Ok(None);
    }
    let memory_size = memory.initial.saturating_mul(65536);
    if !room_for_go(memory_size) {
        return Ok(Some(Recognised::NotGo));
    }
    let first_data = u64::from(GO_FIRST_DATA_ADDRESS);
    let span = u64::from(GO_HEADER_SPAN);
    // The memory as the segments leave it (a later one overwrites an
    // earlier one), up to where the adapter would stop looking.
    let limit = memory_size.min(u64::from(GO_SCAN_LIMIT));
    let end = segments.iter().map(|(offset, data)| offset + data.len() as u64).max().unwrap_or(0).min(limit);
    let mut image = vec![0u8; end.max(first_data) as usize];
    for (offset, data) in &segments {
        let start = (*offset).min(end) as usize;
        let stop = (offset + data.len() as u64).min(end) as usize;
        image[start..stop].copy_from_slice(&data[..stop - start]);
    }
    if image[..first_data as usize].iter().any(|&b| b != 0) {
        return Ok(Some(Recognised::NotGo));
    }
    // Memory past the last segment is zero.
    let word = |at: usize| (0..8).fold(0u64, |w, i| w | u64::from(image.get(at + i).copied().unwrap_or(0)) << (8 * i));
    let last = (limit - span) as usize;
    let found = (first_data as usize..image.len().min(last))
        .step_by(8)
        .any(|at| word(at) == GO_PCLNTAB_HEADER && plausible_counts(word(at + 8), word(at + 16), word(at + 32)));
    Ok(Some(if found { Recognised::Go } else { Recognised::NotGo }))
}

/// `adapter` with its placement hint set for `module`: interposed for a
/// module `interpose` rewrote, else whether it is Go. Unchanged when the
/// module cannot be recognised statically (the hint is an optimisation: a
/// module this cannot read is left to the adapter's run-time test), and
/// when the adapter has no hint to set (not one of this project's, e.g.
/// wasmtime's). An adapter hinted before, for another module, is hinted
/// again. Nothing here can fail a conversion: a module or adapter that does
/// not parse gets no hint, and the encoder reports it.
pub fn with_placement_hint<'a>(adapter: &'a [u8], module: &[u8]) -> Cow<'a, [u8]> {
    let interposed = Layout::read(module).ok().and_then(|layout| interposed_hint(&layout));
    let hint = match interposed {
        Some(hint) => hint,
        None => match recognise(module) {
            Ok(Some(recognised)) => recognised.hint(),
            _ => return Cow::Borrowed(adapter),
        },
    };
    with_hint(adapter, hint)
}

/// `adapter` with its placement hint set to `hint` (one of
/// `placement_hint`'s values); unchanged when it has no hint to set.
pub fn with_hint(adapter: &[u8], hint: i32) -> Cow<'_, [u8]> {
    let Ok(Some(at)) = hint_offset(adapter) else { return Cow::Borrowed(adapter) };
    let mut hinted = adapter.to_vec();
    let init = placement_hint::init_expr(hint);
    hinted[at..at + init.len()].copy_from_slice(&init);
    Cow::Owned(hinted)
}

/// Where in `adapter` the hint global's initial value is: the one place in
/// its global section holding any of the hint's values (`verify` checks
/// that our adapters start with exactly one global at `UNKNOWN`).
pub fn hint_offset(adapter: &[u8]) -> Result<Option<usize>> {
    let width = placement_hint::init_expr(placement_hint::UNKNOWN).len();
    for payload in Parser::new(0).parse_all(adapter) {
        if let Payload::GlobalSection(reader) = payload.context("reading the adapter")? {
            let range = reader.range();
            let (start, end) = (range.start as usize, range.end as usize);
            let bytes = &adapter[start..end];
            let mut found = bytes
                .windows(width)
                .enumerate()
                .filter(|(_, window)| placement_hint::decode_init_expr(window).is_some());
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
            let at = hint_offset(adapter).unwrap().unwrap_or_else(|| panic!("{name}: no hint"));
            assert_eq!(adapter[at..at + 7], placement_hint::init_expr(placement_hint::UNKNOWN), "{name}");
        }
    }

    #[test]
    fn a_hinted_adapter_is_hinted_again_for_another_module() {
        let adapter = crate::built_in_adapters()[0].1;
        let at = hint_offset(adapter).unwrap().unwrap();
        let go = module(&format!("(module (memory (export \"memory\") 2) (data (i32.const 0x8000) {HEADER}))"));
        let not_go = module(r#"(module (memory (export "memory") 2) (data (i32.const 0x400) "x"))"#);
        let for_go = with_placement_hint(adapter, &go).into_owned();
        assert_eq!(for_go[at..at + 7], placement_hint::init_expr(placement_hint::GO));
        let again = with_placement_hint(&for_go, &not_go).into_owned();
        assert_eq!(again[at..at + 7], placement_hint::init_expr(placement_hint::NOT_GO));
    }

    /// A plausible pclntab header as a WAT data string: the magic, one
    /// function, one file, a function-name offset of 64.
    const HEADER: &str = r#""\f1\ff\ff\ff\00\00\01\08\01\00\00\00\00\00\00\00\01\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\40""#;

    fn module(wat: &str) -> Vec<u8> {
        wat::parse_str(wat).unwrap()
    }

    #[test]
    fn modules_whose_memory_is_not_known_statically_get_no_hint() {
        let imported = module(r#"(module (import "env" "memory" (memory 1)))"#);
        assert_eq!(recognise(&imported).unwrap(), None);
        let passive = module(r#"(module (memory (export "memory") 1) (data "x"))"#);
        assert_eq!(recognise(&passive).unwrap(), None);
        let relocatable =
            module(r#"(module (import "env" "base" (global i32)) (memory (export "memory") 1) (data (global.get 0) "x"))"#);
        assert_eq!(recognise(&relocatable).unwrap(), None);
        let unexported = module(r#"(module (memory 1))"#);
        assert_eq!(recognise(&unexported).unwrap(), None);
        let two = module(r#"(module (memory 1) (memory (export "memory") 1))"#);
        assert_eq!(recognise(&two).unwrap(), None);
        let component = wat::parse_str("(component)").unwrap();
        assert_eq!(recognise(&component).unwrap(), None);
    }

    #[test]
    fn go_needs_a_pclntab_header_and_nothing_below_its_first_data() {
        let header = HEADER;
        let go = module(&format!("(module (memory (export \"memory\") 2) (data (i32.const 0x8000) {header}))"));
        assert_eq!(recognise(&go).unwrap(), Some(Recognised::Go));
        let misaligned = module(&format!("(module (memory (export \"memory\") 2) (data (i32.const 0x8004) {header}))"));
        assert_eq!(recognise(&misaligned).unwrap(), Some(Recognised::NotGo));
        let low_data = module(&format!("(module (memory (export \"memory\") 2) (data (i32.const 0x400) \"x\") (data (i32.const 0x8000) {header}))"));
        assert_eq!(recognise(&low_data).unwrap(), Some(Recognised::NotGo));
        // Zero bytes below the first data address are no data.
        let low_zeros = module(&format!("(module (memory (export \"memory\") 2) (data (i32.const 0x400) \"\\00\") (data (i32.const 0x8000) {header}))"));
        assert_eq!(recognise(&low_zeros).unwrap(), Some(Recognised::Go));
        // A later segment overwrites an earlier one, as instantiation does.
        let overwritten = module(&format!(
            "(module (memory (export \"memory\") 2) (data (i32.const 0x400) \"x\") (data (i32.const 0x400) \"\\00\") (data (i32.const 0x8000) {header}))"
        ));
        assert_eq!(recognise(&overwritten).unwrap(), Some(Recognised::Go));
        let no_counts = module(r#"(module (memory (export "memory") 2) (data (i32.const 0x8000) "\f1\ff\ff\ff\00\00\01\08"))"#);
        assert_eq!(recognise(&no_counts).unwrap(), Some(Recognised::NotGo));
        // The adapter only reads a header with 64 bytes of memory after it.
        let at_the_end = module(&format!("(module (memory (export \"memory\") 1) (data (i32.const 0xffd0) {header}))"));
        assert_eq!(recognise(&at_the_end).unwrap(), Some(Recognised::NotGo));
    }
}
