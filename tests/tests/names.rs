//! A trap inside the adapter names the P1 function it happened in, in
//! wasmtime's backtrace and in jco's (finalize keeps the exported
//! functions' names, `finalize/src/names.rs`), and `p1-convert`'s
//! components name the frames of wit-component's shim too.
//!
//! The trap is provoked as a runaway guest would: it overwrites the
//! adapter's settled state, and the next call (`clock_time_get`) reports
//! the overwrite on stderr and traps.

use adapter_tests::adapters::{self, ExitMode};
use adapter_tests::{cases, component, jco, report};
use wasmtime::component::Linker;
use wasmtime::Store;
use wasmtime_wasi::p2::bindings::sync::Command;

/// Grows memory once (the stock placement's arena settles in fresh pages
/// at the top), fills the last two pages (the arena) with 0xaa, then reads
/// the clock.
const GUEST: &str = r#"(module
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (drop (call $clock_time_get (i32.const 1) (i64.const 0) (i32.const 0x100)))
    (drop (memory.grow (i32.const 1)))
    (drop (call $clock_time_get (i32.const 1) (i64.const 0) (i32.const 0x100)))
    (memory.fill (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 131072)) (i32.const 0xaa) (i32.const 131072))
    (drop (call $clock_time_get (i32.const 1) (i64.const 0) (i32.const 0x100)))))"#;

fn component() -> Vec<u8> {
    let module = wat::parse_str(GUEST).unwrap();
    let adapter = adapters::ours(ExitMode::Portable).unwrap();
    component::encode(&module, &adapter.bytes).unwrap()
}

#[test]
fn wasmtime_backtraces_name_the_p1_function() {
    let engine = adapter_tests::engine::engine();
    let component = adapter_tests::engine::component(&component()).unwrap();
    let mut linker: Linker<component::Host> = Linker::new(engine);
    wasmtime_wasi::p2::add_to_linker_sync(&mut linker).unwrap();
    let ctx = wasmtime_wasi::WasiCtx::builder().build();
    let mut store = Store::new(engine, component::Host::new(ctx));
    store.set_epoch_deadline(adapter_tests::engine::RUN_TIMEOUT_TICKS);
    let command = Command::instantiate(&mut store, &component, &linker).unwrap();
    let error = command.wasi_cli_run().call_run(&mut store).expect_err("the overwritten state traps");
    let text = format!("{error:?}");
    // The frame of the P1 export, and wit-component's names for the
    // adapter's instance and the shim through which the guest called it.
    assert!(text.contains("!clock_time_get"), "no clock_time_get frame in:\n{text}");
    assert!(text.contains("wit-component:adapter:wasi_snapshot_preview1"), "the adapter module is not named in:\n{text}");
    assert!(text.contains("wit-component:shim"), "the shim is not named in:\n{text}");
}

#[test]
fn jco_backtraces_name_the_p1_function() {
    let jco = match jco::locate() {
        Ok(jco) => jco,
        // The differential suite's jco column says the same when jco is
        // missing; ci/setup.sh installs it.
        Err(why) => {
            report::notice(&format!("names on jco: SKIPPED ({why})"));
            return;
        }
    };
    let outcome = jco.run(&component(), "names", &cases::spec("names")).unwrap();
    let stderr = String::from_utf8_lossy(&outcome.stderr);
    assert!(stderr.contains("adapter state overwritten"), "stderr:\n{stderr}");
    // V8 names the frame `<module name>.<function name>`:
    // `at wit-component:adapter:wasi_snapshot_preview1.clock_time_get (wasm://…)`.
    assert!(stderr.contains(".clock_time_get (wasm://"), "no clock_time_get frame in jco's stderr:\n{stderr}");
}
