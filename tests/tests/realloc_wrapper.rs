//! The realloc wrapper: indices stay right, the pause brackets every call.

use p1_convert::wrap_realloc;
use wasmtime::{Engine, Linker, Module, Store};

/// A guest with an import, a table, `ref.func`, a start function, a name
/// section and two allocators, so every kind of function reference moves.
const GUEST: &str = r#"
(module
  (import "wasi_snapshot_preview1" "sched_yield" (func $yield (result i32)))
  (memory (export "memory") 1)
  (table 2 funcref)
  (elem (i32.const 0) $helper $cabi_realloc)
  (global $started (mut i32) (i32.const 0))
  (func $helper (param i32) (result i32) (i32.add (local.get 0) (i32.const 100)))
  (func $cabi_realloc (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (drop (call $yield))
    (call $helper (local.get 3)))
  (func $export_realloc (export "cabi_export_realloc") (param i32 i32 i32 i32) (result i32)
    (call_indirect (param i32) (result i32) (local.get 3) (i32.const 0)))
  (func $start (global.set $started (i32.const 1)))
  (func (export "started") (result i32) (global.get $started))
  (func (export "via_ref") (result i32)
    (drop (ref.func $helper))
    (call $helper (i32.const 1)))
  (start $start))
"#;

#[derive(Default)]
struct Calls {
    log: Vec<&'static str>,
}

fn instantiate(bytes: &[u8]) -> (Store<Calls>, wasmtime::Instance) {
    let engine = Engine::default();
    let module = Module::new(&engine, bytes).expect("the wrapped module validates");
    let mut linker = Linker::new(&engine);
    linker
        .func_wrap("wasi_snapshot_preview1", "sched_yield", |mut c: wasmtime::Caller<'_, Calls>| {
            c.data_mut().log.push("yield");
            0i32
        })
        .unwrap();
    linker
        .func_wrap("wasi_snapshot_preview1", "adapter_pause_begin", |mut c: wasmtime::Caller<'_, Calls>| {
            c.data_mut().log.push("begin")
        })
        .unwrap();
    linker
        .func_wrap("wasi_snapshot_preview1", "adapter_pause_end", |mut c: wasmtime::Caller<'_, Calls>| {
            c.data_mut().log.push("end")
        })
        .unwrap();
    let mut store = Store::new(&engine, Calls::default());
    let instance = linker.instantiate(&mut store, &module).unwrap();
    (store, instance)
}

#[test]
fn both_allocators_are_bracketed_and_every_index_still_resolves() {
    let original = wat::parse_str(GUEST).unwrap();
    let wrapped = wrap_realloc(&original).unwrap().expect("the guest exports allocators");
    let (mut store, instance) = instantiate(&wrapped);

    let started = instance.get_typed_func::<(), i32>(&mut store, "started").unwrap();
    assert_eq!(started.call(&mut store, ()).unwrap(), 1, "the start function still runs");
    let via_ref = instance.get_typed_func::<(), i32>(&mut store, "via_ref").unwrap();
    assert_eq!(via_ref.call(&mut store, ()).unwrap(), 101);

    let realloc = instance.get_typed_func::<(i32, i32, i32, i32), i32>(&mut store, "cabi_realloc").unwrap();
    assert_eq!(realloc.call(&mut store, (0, 0, 1, 7)).unwrap(), 107);
    assert_eq!(store.data().log, ["begin", "yield", "end"]);

    store.data_mut().log.clear();
    let export_realloc =
        instance.get_typed_func::<(i32, i32, i32, i32), i32>(&mut store, "cabi_export_realloc").unwrap();
    assert_eq!(export_realloc.call(&mut store, (0, 0, 1, 9)).unwrap(), 109);
    assert_eq!(store.data().log, ["begin", "end"]);
}

#[test]
fn modules_without_allocators_or_already_wrapped_are_left_alone() {
    let plain = wat::parse_str(
        r#"(module (import "wasi_snapshot_preview1" "sched_yield" (func (result i32))) (memory (export "memory") 1))"#,
    )
    .unwrap();
    assert!(wrap_realloc(&plain).unwrap().is_none());
    let wrapped = wrap_realloc(&wat::parse_str(GUEST).unwrap()).unwrap().unwrap();
    assert!(wrap_realloc(&wrapped).unwrap().is_none(), "wrapping twice would pause twice");
}

#[test]
fn an_allocator_of_the_wrong_type_is_an_error() {
    let odd = wat::parse_str(
        r#"(module (import "wasi_snapshot_preview1" "sched_yield" (func (result i32)))
             (func (export "cabi_realloc") (param i32) (result i32) (local.get 0)))"#,
    )
    .unwrap();
    let err = wrap_realloc(&odd).unwrap_err().to_string();
    assert!(err.contains("not (i32 i32 i32 i32) -> i32"), "{err}");
}

#[test]
fn a_component_is_refused() {
    let component = wat::parse_str("(component)").unwrap();
    let err = wrap_realloc(&component).unwrap_err().to_string();
    assert!(err.contains("already a component"), "{err}");
}
