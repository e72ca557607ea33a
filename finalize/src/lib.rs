//! Post-link clean-up of a built adapter, then shrinking it (`optimize`).
//!
//! wasm-ld and rustc give every wasm cdylib two things an adapter must not
//! have, and no linker flag removes them:
//! * an (empty) indirect function table, and
//! * the exported immutable globals `__heap_base` and `__data_end`.
//!
//! wit-component would drop both as unused, but the adapter we ship should
//! already be exactly what `verify` accepts. This pass removes them, refusing
//! to if anything in the module actually uses them. All other sections are
//! copied byte for byte.

use anyhow::{bail, Context, Result};
use wasmparser::{ExternalKind, Operator, Parser, Payload, TypeRef};

mod names;
pub mod optimize;

pub use names::name_exports;

/// The whole post-link step: the clean-up below, then `wasm-opt -Oz
/// --converge` (`optimize`) with the wasm-opt at `wasm_opt`, then the
/// exported functions' names for backtraces (`names`).
pub fn finish(wasm: &[u8], wasm_opt: &std::path::Path) -> Result<Vec<u8>> {
    name_exports(&optimize::optimize(&finalize(wasm)?, wasm_opt)?)
}

/// Exported linker globals that carry no meaning for an adapter.
const LINKER_GLOBALS: [&str; 2] = ["__heap_base", "__data_end"];

const SECTION_TABLE: u8 = 4;
const SECTION_GLOBAL: u8 = 6;
const SECTION_EXPORT: u8 = 7;

pub fn finalize(wasm: &[u8]) -> Result<Vec<u8>> {
    let facts = Facts::gather(wasm)?;
    if facts.has_elements || facts.uses_table {
        bail!("the module uses its table; it cannot be removed");
    }
    let removed = facts.removable_globals()?;

    let mut out = wasm[..8].to_vec();
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload?;
        let Some((id, range)) = payload.as_section() else { continue };
        match (id, payload) {
            (SECTION_TABLE, _) => {}
            (SECTION_GLOBAL, Payload::GlobalSection(reader)) => out.extend(rewrite_globals(reader, &removed)?),
            (SECTION_EXPORT, Payload::ExportSection(reader)) => out.extend(rewrite_exports(reader)?),
            _ => {
                let (start, end) = (range.start as usize, range.end as usize);
                out.extend_from_slice(&wasm[section_start(wasm, start)..end])
            }
        }
    }
    wasmparser::Validator::new()
        .validate_all(&out)
        .context("finalized module does not validate")?;
    Ok(out)
}

/// What the passes need to know about the module.
#[derive(Default)]
struct Facts {
    imported_globals: u32,
    defined_globals: u32,
    exported_linker_globals: Vec<u32>,
    referenced_globals: Vec<u32>,
    has_elements: bool,
    uses_table: bool,
}

impl Facts {
    fn gather(wasm: &[u8]) -> Result<Facts> {
        let mut facts = Facts::default();
        for payload in Parser::new(0).parse_all(wasm) {
            match payload? {
                Payload::ImportSection(reader) => {
                    for import in reader.into_imports() {
                        if let TypeRef::Global(_) = import?.ty {
                            facts.imported_globals += 1;
                        }
                    }
                }
                Payload::GlobalSection(reader) => facts.defined_globals = reader.count(),
                Payload::ExportSection(reader) => {
                    for export in reader {
                        let export = export?;
                        if export.kind == ExternalKind::Global && LINKER_GLOBALS.contains(&export.name) {
                            facts.exported_linker_globals.push(export.index);
                        }
                    }
                }
                Payload::ElementSection(_) => facts.has_elements = true,
                Payload::CodeSectionEntry(body) => {
                    for op in body.get_operators_reader()? {
                        match op? {
                            Operator::GlobalGet { global_index } | Operator::GlobalSet { global_index } => {
                                facts.referenced_globals.push(global_index)
                            }
                            Operator::CallIndirect { .. }
                            | Operator::ReturnCallIndirect { .. }
                            | Operator::TableGet { .. }
                            | Operator::TableSet { .. }
                            | Operator::TableSize { .. }
                            | Operator::TableGrow { .. } => facts.uses_table = true,
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(facts)
    }

    /// Defined-global positions (within the global section) to drop. They
    /// must be the last globals, so no other index shifts, and unused.
    fn removable_globals(&self) -> Result<Vec<u32>> {
        let total = self.imported_globals + self.defined_globals;
        let mut removed = Vec::new();
        for &index in &self.exported_linker_globals {
            if self.referenced_globals.contains(&index) {
                bail!("global {index} is exported by the linker but also used by code");
            }
            removed.push(index - self.imported_globals);
        }
        removed.sort_unstable();
        let count = removed.len() as u32;
        for (offset, position) in removed.iter().enumerate() {
            if *position + self.imported_globals != total - count + offset as u32 {
                bail!("linker globals are not the last globals; removing them would renumber others");
            }
        }
        Ok(removed)
    }
}

/// The offset of a section's id byte, given the offset of its contents.
pub(crate) fn section_start(wasm: &[u8], contents_start: usize) -> usize {
    // Walk back over the LEB128 size: its last byte has the high bit clear
    // and every earlier one has it set.
    let mut at = contents_start - 1;
    while at > 0 && wasm[at - 1] & 0x80 != 0 {
        at -= 1;
    }
    at - 1
}

fn rewrite_globals(reader: wasmparser::GlobalSectionReader<'_>, removed: &[u32]) -> Result<Vec<u8>> {
    let mut section = wasm_encoder::GlobalSection::new();
    for (position, global) in reader.into_iter().enumerate() {
        let global = global?;
        if removed.contains(&(position as u32)) {
            continue;
        }
        let ty = wasm_encoder::GlobalType::try_from(global.ty)?;
        let init = wasm_encoder::ConstExpr::try_from(global.init_expr)?;
        section.global(ty, &init);
    }
    Ok(encode_section(&section))
}

fn rewrite_exports(reader: wasmparser::ExportSectionReader<'_>) -> Result<Vec<u8>> {
    let mut section = wasm_encoder::ExportSection::new();
    for export in reader {
        let export = export?;
        if export.kind == ExternalKind::Global && LINKER_GLOBALS.contains(&export.name) {
            continue;
        }
        section.export(export.name, export.kind.into(), export.index);
    }
    Ok(encode_section(&section))
}

fn encode_section(section: &impl wasm_encoder::Section) -> Vec<u8> {
    let mut module = wasm_encoder::Module::new();
    module.section(section);
    module.finish()[8..].to_vec()
}
