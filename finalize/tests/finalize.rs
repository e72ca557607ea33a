//! `finalize` removes exactly the linker's table and exported heap globals,
//! and refuses when removing them would change the module's meaning.

use wasmparser::{Parser, Payload};

/// A module shaped like wasm-ld's output for the adapter: an empty table,
/// the stack pointer and the adapter's global, then the exported linker
/// globals.
fn linked_module(extra_code: &str) -> Vec<u8> {
    wat::parse_str(format!(
        r#"(module
            (import "env" "memory" (memory 0))
            (table 1 1 funcref)
            (global $sp (mut i32) (i32.const 0))
            (global $state (mut i32) (i32.const 0))
            (global $heap_base i32 (i32.const 1024))
            (global $data_end i32 (i32.const 1024))
            (export "__heap_base" (global $heap_base))
            (export "__data_end" (global $data_end))
            (export "fd_close" (func $f))
            (func $f (param i32) (result i32)
                global.get $sp
                global.get $state
                i32.add
                {extra_code})
        )"#
    ))
    .unwrap()
}

struct Shape {
    tables: u32,
    globals: u32,
    exports: Vec<String>,
}

fn shape(wasm: &[u8]) -> Shape {
    let mut shape = Shape { tables: 0, globals: 0, exports: Vec::new() };
    for payload in Parser::new(0).parse_all(wasm) {
        match payload.unwrap() {
            Payload::TableSection(r) => shape.tables = r.count(),
            Payload::GlobalSection(r) => shape.globals = r.count(),
            Payload::ExportSection(r) => {
                shape.exports = r.into_iter().map(|e| e.unwrap().name.to_string()).collect()
            }
            _ => {}
        }
    }
    shape
}

#[test]
fn removes_table_and_linker_globals_only() {
    let out = finalize::finalize(&linked_module("")).unwrap();
    let shape = shape(&out);
    assert_eq!(shape.tables, 0);
    assert_eq!(shape.globals, 2);
    assert_eq!(shape.exports, vec!["fd_close".to_string()]);
}

#[test]
fn keeps_function_bodies_byte_for_byte() {
    let input = linked_module("");
    let out = finalize::finalize(&input).unwrap();
    let code = |wasm: &[u8]| {
        Parser::new(0)
            .parse_all(wasm)
            .find_map(|p| match p.unwrap() {
                Payload::CodeSectionStart { unchecked_range: range, .. } => {
                    Some(wasm[range.start as usize..range.end as usize].to_vec())
                }
                _ => None,
            })
            .unwrap()
    };
    assert_eq!(code(&input), code(&out));
}

#[test]
fn refuses_when_code_uses_the_table() {
    let input = linked_module("i32.const 0 call_indirect (param i32) (result i32)");
    let err = finalize::finalize(&input).unwrap_err();
    assert!(err.to_string().contains("uses its table"), "{err}");
}

#[test]
fn refuses_when_code_reads_a_linker_global() {
    let input = linked_module("global.get $heap_base i32.add");
    let err = finalize::finalize(&input).unwrap_err();
    assert!(err.to_string().contains("also used by code"), "{err}");
}
