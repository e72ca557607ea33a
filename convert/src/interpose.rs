//! The converter's half of the interposed placement (docs/memory.md): every
//! `memory.size` and `memory.grow` of the main module becomes a call of
//! the adapter's `adapter_memory_size` / `adapter_memory_grow`. The guest
//! then sees only the memory the adapter gives it, and the adapter keeps
//! its own pages above that, where no allocator of the guest's can take
//! them, whatever it assumes about pages above its break.
//!
//! A declared maximum goes up by what the adapter may take
//! (`ADAPTER_PAGES`); the guest's own maximum is kept by the adapter, which
//! learns it from the placement hint (`placement_hint::interposed`).

use crate::rewrite::{self, Edit, Layout, NewType};
use anyhow::{bail, Context, Result};
use wasi_preview1_adapter_provider::placement_hint::{self, MAX_PAGES};
use wasm_encoder::ValType;

pub const MEMORY_SIZE: &str = "adapter_memory_size";
pub const MEMORY_GROW: &str = "adapter_memory_grow";

/// Pages the adapter may use above a guest whose memory declares a
/// maximum (64 MiB): its arena (two pages), the largest descriptor table
/// (2^20 entries, 20 MiB) with the copy it grew from, and room for large
/// host results (arguments, environment).
pub const ADAPTER_PAGES: u64 = 1024;

/// A module rewritten for the interposed placement, and the placement hint
/// its adapter needs.
pub struct Interposed {
    pub module: Vec<u8>,
    pub hint: i32,
}

/// Rewrites `module` for the interposed placement. Refuses, with a line
/// saying why, a module whose memory the adapter cannot sit above: none
/// defined, an imported one, several, a shared one, a 64-bit one, or one
/// with a custom page size. A module rewritten before is rewritten again
/// with the imports it has (nothing is left to rewrite in it).
pub fn interpose(module: &[u8]) -> Result<Interposed> {
    let layout = Layout::read(module)?;
    if layout.imported_memories > 0 {
        bail!("the module imports its memory; the adapter can only live above a memory the module defines");
    }
    let memory = match layout.memories.as_slice() {
        [] => bail!("the module has no memory; a wasi_snapshot_preview1 program defines one and exports it as `memory`"),
        [memory] => *memory,
        several => bail!("the module defines {} memories; a component made from it may have only one", several.len()),
    };
    if memory.shared {
        bail!("the module's memory is shared (threads); the adapter cannot move its pages under other threads");
    }
    if memory.memory64 {
        bail!("the module's memory is 64-bit (memory64); the adapters serve 32-bit memories only");
    }
    if memory.page_size_log2.is_some() {
        bail!("the module's memory has a custom page size; the adapters serve 64 KiB pages only");
    }
    if let Some(start) = layout.start {
        if reaches_memory_instructions(module, &layout, start)? {
            bail!(
                "the module's start function uses memory.size or memory.grow, and runs before the adapter exists \
                 (at instantiation): convert with --no-interpose"
            );
        }
    }
    // Rewritten before: its maximum was raised then, and is not again.
    let interposed_before = interposed_hint(&layout);

    // The two imports, unless the module has them from an earlier rewrite.
    let mut edit = Edit::default();
    let import = |name: &'static str, params: Vec<ValType>, edit: &mut Edit| {
        layout.adapter_import(name).unwrap_or_else(|| {
            let ty = layout.types + edit.new_types.len() as u32;
            edit.new_types.push(NewType { params, results: vec![ValType::I32] });
            edit.new_imports.push((name, ty));
            layout.imported_funcs + edit.new_imports.len() as u32 - 1
        })
    };
    // Imported functions keep their indices: the new imports come after
    // all of them.
    let size = import(MEMORY_SIZE, vec![], &mut edit);
    let grow = import(MEMORY_GROW, vec![ValType::I32], &mut edit);
    edit.memory_calls = Some((size, grow));
    let hint = match interposed_before {
        Some(hint) => hint,
        None => {
            let raised = memory.maximum.map(|pages| (pages + ADAPTER_PAGES).min(u64::from(MAX_PAGES)));
            edit.memory = Some(wasmparser::MemoryType { maximum: raised, ..memory });
            placement_hint::interposed(memory.maximum.map(|pages| pages.min(u64::from(MAX_PAGES)) as u32))
        }
    };
    Ok(Interposed { module: rewrite::apply(module, &layout, &edit)?, hint })
}

/// Whether the function `start`, or any function it calls, uses
/// `memory.size` or `memory.grow`; a call through a table counts as one
/// that may (which function it reaches is not known here).
fn reaches_memory_instructions(module: &[u8], layout: &Layout, start: u32) -> Result<bool> {
    use wasmparser::{Operator, Parser, Payload};
    // Per defined function: the functions it calls, and whether it uses a
    // memory instruction or calls through a table.
    let mut bodies: Vec<(Vec<u32>, bool)> = Vec::new();
    for payload in Parser::new(0).parse_all(module) {
        if let Payload::CodeSectionEntry(body) = payload? {
            let (mut calls, mut uses) = (Vec::new(), false);
            for op in body.get_operators_reader()? {
                match op? {
                    Operator::Call { function_index } | Operator::ReturnCall { function_index } => calls.push(function_index),
                    Operator::MemorySize { .. }
                    | Operator::MemoryGrow { .. }
                    | Operator::CallIndirect { .. }
                    | Operator::ReturnCallIndirect { .. }
                    | Operator::CallRef { .. }
                    | Operator::ReturnCallRef { .. } => uses = true,
                    _ => {}
                }
            }
            bodies.push((calls, uses));
        }
    }
    let mut seen = vec![false; bodies.len()];
    let mut pending = vec![start];
    while let Some(function) = pending.pop() {
        // Imported functions are the host's (or the adapter's): not the
        // module's memory instructions.
        let Some(defined) = function.checked_sub(layout.imported_funcs).map(|i| i as usize) else { continue };
        if defined >= bodies.len() || std::mem::replace(&mut seen[defined], true) {
            continue;
        }
        let (calls, uses) = &bodies[defined];
        if *uses {
            return Ok(true);
        }
        pending.extend(calls);
    }
    Ok(false)
}

/// Whether `adapter` can serve an interposed module: it exports the memory
/// functions and has a placement hint to set (this project's adapters do).
pub fn serves_interposition(adapter: &[u8]) -> Result<bool> {
    let layout = Layout::read(adapter).context("reading the adapter")?;
    let exports = |name: &str| layout.func_exports.iter().any(|(n, _)| n == name);
    Ok(exports(MEMORY_SIZE) && exports(MEMORY_GROW) && crate::placement::hint_offset(adapter)?.is_some())
}

/// Whether `module` was rewritten by `interpose` (it calls the adapter's
/// memory functions), and if so the hint its adapter needs, read back from
/// its memory's maximum, which the rewrite raised by `ADAPTER_PAGES` (one
/// below that was not raised: a module that imports the functions itself).
/// A maximum the rewrite raised to the 4 GiB cap reads as none, which only
/// lets the guest grow as far as the memory can.
pub(crate) fn interposed_hint(layout: &Layout) -> Option<i32> {
    layout.adapter_import(MEMORY_GROW).or(layout.adapter_import(MEMORY_SIZE))?;
    let [memory] = layout.memories.as_slice() else { return None };
    let maximum = memory
        .maximum
        .filter(|pages| *pages < u64::from(MAX_PAGES))
        .map(|pages| if pages >= ADAPTER_PAGES { pages - ADAPTER_PAGES } else { pages } as u32);
    Some(placement_hint::interposed(maximum))
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasmparser::{Operator, Parser, Payload};

    fn module(wat: &str) -> Vec<u8> {
        wat::parse_str(wat).unwrap()
    }

    fn refusal(wat: &str) -> String {
        match interpose(&module(wat)) {
            Ok(_) => panic!("{wat} was interposed"),
            Err(e) => e.to_string(),
        }
    }

    /// Every function body's operators, by name, and the imports.
    fn summary(bytes: &[u8]) -> (Vec<String>, Vec<(String, String)>) {
        let mut ops = Vec::new();
        let mut imports = Vec::new();
        for payload in Parser::new(0).parse_all(bytes) {
            match payload.unwrap() {
                Payload::ImportSection(reader) => {
                    for import in reader.into_imports() {
                        let import = import.unwrap();
                        imports.push((import.module.to_string(), import.name.to_string()));
                    }
                }
                Payload::CodeSectionEntry(body) => {
                    for op in body.get_operators_reader().unwrap() {
                        ops.push(match op.unwrap() {
                            Operator::Call { function_index } => format!("call {function_index}"),
                            Operator::MemorySize { .. } => "memory.size".into(),
                            Operator::MemoryGrow { .. } => "memory.grow".into(),
                            other => format!("{other:?}").split_whitespace().next().unwrap().to_string(),
                        });
                    }
                }
                _ => {}
            }
        }
        (ops, imports)
    }

    #[test]
    fn memory_instructions_become_calls_of_the_adapter() {
        let before = module(
            r#"(module
                 (import "wasi_snapshot_preview1" "sched_yield" (func $yield (result i32)))
                 (memory (export "memory") 1)
                 (func $grow (param i32) (result i32) (memory.grow (local.get 0)))
                 (func (export "_start") (drop (call $grow (memory.size))) (drop (call $yield))))"#,
        );
        let interposed = interpose(&before).unwrap();
        wasmparser::Validator::new().validate_all(&interposed.module).unwrap();
        let (ops, imports) = summary(&interposed.module);
        assert_eq!(
            imports,
            [
                ("wasi_snapshot_preview1".to_string(), "sched_yield".to_string()),
                ("wasi_snapshot_preview1".to_string(), MEMORY_SIZE.to_string()),
                ("wasi_snapshot_preview1".to_string(), MEMORY_GROW.to_string()),
            ]
        );
        // $grow is function 3 now; the size import 1, the grow import 2.
        assert!(!ops.iter().any(|op| op.starts_with("memory.")), "{ops:?}");
        assert!(ops.contains(&"call 2".to_string()) && ops.contains(&"call 1".to_string()) && ops.contains(&"call 3".to_string()));
        assert!(ops.contains(&"call 0".to_string()), "the import keeps its index: {ops:?}");
        assert_eq!(interposed.hint, placement_hint::INTERPOSED);
    }

    #[test]
    fn a_module_without_imports_or_types_gets_both() {
        let bare = module(r#"(module (memory (export "memory") 1) (func (export "_start") (drop (memory.grow (i32.const 1)))))"#);
        let bare_no_types = module(r#"(module (memory (export "memory") 0))"#);
        for bytes in [bare, bare_no_types] {
            let interposed = interpose(&bytes).unwrap();
            wasmparser::Validator::new().validate_all(&interposed.module).unwrap();
            assert_eq!(summary(&interposed.module).1.len(), 2);
        }
    }

    #[test]
    fn a_rewritten_module_is_rewritten_again_with_the_imports_it_has() {
        let before = module(r#"(module (memory (export "memory") 1 8) (func (export "_start") (drop (memory.grow (memory.size)))))"#);
        let once = interpose(&before).unwrap();
        let twice = interpose(&once.module).unwrap();
        assert_eq!(summary(&twice.module), summary(&once.module));
        // The maximum is raised once, and the hint keeps the guest's own.
        assert_eq!(twice.module, once.module);
        assert_eq!(twice.hint, once.hint);
        assert_eq!(once.hint, placement_hint::interposed(Some(8)));
        // The maximum was raised once already; reading it back from the
        // module gives the guest's own.
        assert_eq!(interposed_hint(&Layout::read(&once.module).unwrap()), Some(once.hint));
    }

    #[test]
    fn a_start_function_that_reaches_memory_instructions_is_refused() {
        // Through a direct call, and through a table (which may reach one).
        for body in ["(call $helper)", "(call_indirect (i32.const 0))"] {
            let message = refusal(&format!(
                r#"(module (memory (export "memory") 1) (table 1 funcref)
                     (func $helper (drop (memory.size)))
                     (func $init {body}) (start $init))"#
            ));
            assert!(message.contains("start function") && message.contains("--no-interpose"), "{message}");
        }
        // A start function that does neither is fine.
        let fine = module(r#"(module (memory (export "memory") 1) (global $g (mut i32) (i32.const 0))
                                (func $init (global.set $g (i32.const 1))) (start $init)
                                (func (export "_start") (drop (memory.grow (i32.const 1)))))"#);
        wasmparser::Validator::new().validate_all(&interpose(&fine).unwrap().module).unwrap();
    }

    #[test]
    fn types_in_recursion_groups_are_counted_one_by_one() {
        let gc = module(
            r#"(module
                 (rec (type $a (struct (field i32))) (type $b (struct (field (ref null $a)))))
                 (memory (export "memory") 1)
                 (func (export "_start") (drop (memory.grow (i32.const 1)))))"#,
        );
        let interposed = interpose(&gc).unwrap();
        wasmparser::Validator::new().validate_all(&interposed.module).unwrap();
    }

    #[test]
    fn memories_the_adapter_cannot_sit_above_are_refused_in_one_line() {
        let cases = [
            (r#"(module (import "env" "memory" (memory 1)))"#, "imports its memory"),
            (r#"(module (func (export "_start")))"#, "has no memory"),
            (r#"(module (memory 1) (memory (export "memory") 1))"#, "defines 2 memories"),
            (r#"(module (memory (export "memory") 1 1 shared))"#, "is shared"),
            (r#"(module (memory (export "memory") i64 1))"#, "is 64-bit"),
            (r#"(module (memory (export "memory") 1 (pagesize 1)))"#, "custom page size"),
        ];
        for (wat, expected) in cases {
            let message = refusal(wat);
            assert!(message.contains(expected), "{wat}: {message}");
            assert!(!message.contains('\n'), "{message}");
        }
    }
}
