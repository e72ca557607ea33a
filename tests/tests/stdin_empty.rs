//! wasmtime's `p2_cli_stdin_empty` case (its test programs, v48): a read of
//! stdin with one zero-length iovec while stdin holds data succeeds with 0
//! bytes, as `read(2)` with a count of 0 does and wasmtime's adapter
//! answers. The native P1 host waits for input and answers EINTR: a
//! documented difference (docs/p1-coverage.md), checked here on both sides.

use adapter_tests::adapters::{self, ExitMode};
use adapter_tests::cases::CaseSpec;
use adapter_tests::component::Splice;
use adapter_tests::outcome::ExitStatus;
use adapter_tests::{component, native};

/// Reads stdin into one empty iovec and exits with the errno, or with 100
/// plus the count read when the errno is 0; then reads a real buffer and
/// exits 99 unless the data is still there.
const GUEST: &str = r#"(module
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\00\01\00\00\00\00\00\00")
  (data (i32.const 16) "\00\01\00\00\10\00\00\00")
  (func (export "_start")
    (local $errno i32)
    (local.set $errno (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 8)))
    (if (local.get $errno) (then (call $exit (local.get $errno))))
    (if (i32.load (i32.const 8)) (then (call $exit (i32.add (i32.const 100) (i32.load (i32.const 8))))))
    ;; The data was not consumed: a real read gets it.
    (drop (call $fd_read (i32.const 0) (i32.const 16) (i32.const 1) (i32.const 8)))
    (if (i32.ne (i32.load8_u (i32.const 256)) (i32.const 0x6e)) (then (call $exit (i32.const 99))))))"#;

fn spec() -> CaseSpec {
    CaseSpec { args: vec![], env: vec![], stdin: b"not to be read".to_vec(), sandbox: vec![] }
}

#[test]
fn a_read_of_nothing_from_stdin_answers_zero() {
    let module = wat::parse_str(GUEST).unwrap();
    let adapter = adapters::ours(ExitMode::WithCode).unwrap();
    for splice in Splice::ALL {
        let bytes = splice.make(&module, &adapter.bytes).unwrap();
        let outcome = component::run(&bytes, &spec()).unwrap();
        assert_eq!(outcome.exit, ExitStatus::Code(0), "{}: {}", splice.name(), String::from_utf8_lossy(&outcome.stderr));
    }
    // The native host: EINTR (27).
    let native = native::run(&module, &spec()).unwrap();
    assert_eq!(native.exit, ExitStatus::Code(27));
}
