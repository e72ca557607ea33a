//! Function names for backtraces: a `name` section that names each exported
//! function after its export, so that a trap inside the adapter shows the
//! P1 function it happened in (`clock_time_get`, `fd_read`…) in wasmtime's
//! and jco's backtraces instead of `<wasm function 51>`.
//!
//! Only exported functions are named: their names are the ones a reader of
//! a backtrace needs, and each name costs bytes in every component. The
//! section names functions only; wit-component looks up *global* names
//! (`__stack_pointer`, `allocation_state`) to decide whether to inject a
//! stack allocation, which the adapter must not get (docs/memory.md).
//! Written after wasm-opt, which drops names it is not told to keep.

use anyhow::Result;
use std::collections::BTreeMap;
use wasm_encoder::{NameMap, NameSection, Section};
use wasmparser::{ExternalKind, Parser, Payload};

/// `wasm` with its `name` section, if any, replaced by one naming every
/// exported function after its (first) export.
pub fn name_exports(wasm: &[u8]) -> Result<Vec<u8>> {
    let mut names = BTreeMap::new();
    let mut out = wasm[..8].to_vec();
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload?;
        if let Payload::ExportSection(reader) = &payload {
            for export in reader.clone() {
                let export = export?;
                if matches!(export.kind, ExternalKind::Func | ExternalKind::FuncExact) {
                    names.entry(export.index).or_insert(export.name);
                }
            }
        }
        let Some((_, range)) = payload.as_section() else { continue };
        if matches!(&payload, Payload::CustomSection(section) if section.name() == "name") {
            continue;
        }
        out.extend_from_slice(&wasm[crate::section_start(wasm, range.start as usize)..range.end as usize]);
    }
    let mut functions = NameMap::new();
    for (index, name) in names {
        functions.append(index, name);
    }
    let mut section = NameSection::new();
    section.functions(&functions);
    section.append_to(&mut out);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exported_functions_are_named_after_their_exports() {
        let wasm = wat::parse_str(
            r#"(module
                 (import "env" "f" (func))
                 (func $a (export "fd_read") (export "again"))
                 (func $b)
                 (func $c (export "clock_time_get")))"#,
        )
        .unwrap();
        let named = name_exports(&wasm).unwrap();
        wasmparser::Validator::new().validate_all(&named).unwrap();
        let mut found = Vec::new();
        for payload in Parser::new(0).parse_all(&named) {
            if let Payload::CustomSection(section) = payload.unwrap() {
                if let wasmparser::KnownCustom::Name(reader) = section.as_known() {
                    for subsection in reader {
                        if let wasmparser::Name::Function(map) = subsection.unwrap() {
                            for naming in map {
                                let naming = naming.unwrap();
                                found.push((naming.index, naming.name.to_string()));
                            }
                        }
                    }
                }
            }
        }
        // $b has no export and no name; $a keeps its first export's name.
        assert_eq!(found, [(1, "fd_read".to_string()), (3, "clock_time_get".to_string())]);
        // Naming twice replaces the section.
        assert_eq!(name_exports(&named).unwrap(), named);
    }
}
