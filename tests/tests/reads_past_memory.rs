//! `fd_read` of stdin into a buffer that runs past the end of memory, on
//! the native host and through our adapter: the native host reads stdin
//! first and copies what it read, so the answer depends on what stdin
//! holds. Nothing left: 0. A few bytes that fit in the part of the buffer
//! inside memory: those bytes. The guest prints each answer and then what is
//! left of stdin, and both hosts must print the same. More than fit: the
//! native host traps on the copy, where the adapter answers EFAULT
//! (docs/p1-coverage.md), with the bytes read gone from stdin as they are
//! natively.
//!
//! `fd_pread` takes the same path (the native host reads a file at an
//! offset into a buffer of its own too), checked here with a file of a few
//! bytes and one of 5,000.
//!
//! Both arenas: in grown pages (the adapter as built, for a module that is
//! not Go), and below Go's first data (the Go hint forced in), where the
//! scratch area is small and a large read spills into pages grown for it,
//! which the buffer must not be taken to reach.

use adapter_tests::adapters::{self, ExitMode};
use adapter_tests::cases::{CaseSpec, SandboxEntry};
use adapter_tests::outcome::ExitStatus;
use adapter_tests::{component, native};
use wasi_preview1_adapter_provider::placement_hint;

/// Reads stdin into an 8 KiB buffer whose first 16 bytes are the last of
/// the guest's four pages; writes the errno and count (8 bytes), those 16
/// bytes, then, read the ordinary way, what is left of stdin. Nothing below
/// 0x4000: a Go-placed arena lies there.
const GUEST: &str = r#"
(module
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 4)
  (func $write (param $buf i32) (param $len i32)
    (i32.store (i32.const 0x4100) (local.get $buf))
    (i32.store (i32.const 0x4104) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0x4100) (i32.const 1) (i32.const 0x4108))))
  (func (export "_start")
    ;; the iovec: 0x3fff0, 8 KiB
    (i32.store (i32.const 0x4200) (i32.const 0x3fff0))
    (i32.store (i32.const 0x4204) (i32.const 0x2000))
    (i32.store (i32.const 0x4300) (call $fd_read (i32.const 0) (i32.const 0x4200) (i32.const 1) (i32.const 0x4304)))
    (call $write (i32.const 0x4300) (i32.const 8))
    (call $write (i32.const 0x3fff0) (i32.const 16))
    ;; the rest, into 0x4400..0x4800
    (i32.store (i32.const 0x4200) (i32.const 0x4400))
    (i32.store (i32.const 0x4204) (i32.const 0x400))
    (drop (call $fd_read (i32.const 0) (i32.const 0x4200) (i32.const 1) (i32.const 0x4304)))
    (call $write (i32.const 0x4400) (i32.load (i32.const 0x4304))))
)
"#;

#[test]
fn stdin_read_into_a_buffer_past_the_end_of_memory_answers_as_native() {
    let module = wat::parse_str(GUEST).expect("valid WAT");
    for (arena, adapter) in adapters_for_both_arenas() {
        let component = component::encode(&module, &adapter).expect("encodes as a component");
        let fitting: [(&str, Vec<u8>); 3] = [
            ("nothing", Vec::new()),
            ("a few bytes", b"hello".to_vec()),
            ("exactly what fits", b"0123456789abcdef".to_vec()),
        ];
        for (what, stdin) in fitting {
            assert_same_as_native(&module, &component, &spec(stdin), &format!("arena in {arena}, stdin holding {what}"));
        }

        // 5,000 bytes are more than the scratch area of a Go-placed arena
        // holds: they come to spill pages grown past the end of memory.
        for size in [100usize, 5000] {
            let stdin: Vec<u8> = (0..size).map(|i| i as u8).collect();
            assert_native_traps_adapter_efault(
                &module,
                &component,
                &spec(stdin),
                &format!("arena in {arena}, {size} bytes on stdin"),
            );
        }
    }
}

/// Bytes that fit: the adapter prints and ends exactly as the native host.
fn assert_same_as_native(module: &[u8], component: &[u8], spec: &CaseSpec, what: &str) {
    let expected = native::run(module, spec).expect("runs natively");
    let actual = component::run(component, spec).expect("runs as a component");
    assert_eq!(
        (&actual.stdout, &actual.exit),
        (&expected.stdout, &expected.exit),
        "{what}: adapter (left) and native (right) differ"
    );
}

/// Bytes that do not fit: the native host traps on the copy; the adapter
/// answers EFAULT, leaves the buffer alone, and (for stdin) nothing is left
/// to read, as natively.
fn assert_native_traps_adapter_efault(module: &[u8], component: &[u8], spec: &CaseSpec, what: &str) {
    let expected = native::run(module, spec).expect("runs natively");
    assert!(
        matches!(&expected.exit, ExitStatus::HostError(e) if e.contains("out of bounds")),
        "{what}: the native host no longer traps on the copy: {:?}",
        expected.exit
    );
    let actual = component::run(component, spec).expect("runs as a component");
    let mut printed = 21u32.to_le_bytes().to_vec(); // EFAULT
    printed.extend([0; 4 + 16]); // no count, the buffer untouched, and nothing left
    assert_eq!((actual.stdout, actual.exit), (printed, ExitStatus::Code(0)), "{what}");
}

/// Opens `data.bin` in the first preopen and reads it at offset 0 into the
/// same 8 KiB buffer; writes the errno and count, then those 16 bytes.
const PREAD_GUEST: &str = r#"
(module
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_pread" (func $fd_pread (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 4)
  (data (i32.const 0x4500) "data.bin")
  (func $write (param $buf i32) (param $len i32)
    (i32.store (i32.const 0x4100) (local.get $buf))
    (i32.store (i32.const 0x4104) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0x4100) (i32.const 1) (i32.const 0x4108))))
  (func (export "_start")
    ;; data.bin, with the right to read (rights bit 1)
    (if (call $path_open (i32.const 3) (i32.const 0) (i32.const 0x4500) (i32.const 8)
          (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 0x4308))
      (then unreachable))
    (i32.store (i32.const 0x4200) (i32.const 0x3fff0))
    (i32.store (i32.const 0x4204) (i32.const 0x2000))
    (i32.store (i32.const 0x4300)
      (call $fd_pread (i32.load (i32.const 0x4308)) (i32.const 0x4200) (i32.const 1) (i64.const 0) (i32.const 0x4304)))
    (call $write (i32.const 0x4300) (i32.const 8))
    (call $write (i32.const 0x3fff0) (i32.const 16)))
)
"#;

#[test]
fn pread_into_a_buffer_past_the_end_of_memory_answers_as_native() {
    let module = wat::parse_str(PREAD_GUEST).expect("valid WAT");
    for (arena, adapter) in adapters_for_both_arenas() {
        let component = component::encode(&module, &adapter).expect("encodes as a component");
        let few = file_spec(b"hello".to_vec());
        assert_same_as_native(&module, &component, &few, &format!("arena in {arena}, a file of 5 bytes"));
        let many = file_spec((0..5000).map(|i| i as u8).collect());
        assert_native_traps_adapter_efault(&module, &component, &many, &format!("arena in {arena}, a file of 5,000 bytes"));
    }
}

/// Our adapter as built (its arena in grown pages for these guests) and
/// with the Go hint forced in (its arena below Go's first data).
fn adapters_for_both_arenas() -> [(&'static str, Vec<u8>); 2] {
    let built = adapters::ours(ExitMode::Portable).expect("adapter built by ci/build-adapters.sh").bytes;
    let mut go_placed = built.clone();
    let at = p1_convert::hint_offset(&go_placed).unwrap().expect("our adapter has a placement hint");
    let init = placement_hint::init_expr(placement_hint::GO);
    go_placed[at..at + init.len()].copy_from_slice(&init);
    [("grown pages", built), ("Go's low memory", go_placed)]
}

fn spec(stdin: Vec<u8>) -> CaseSpec {
    CaseSpec { args: vec!["guest".into()], env: Vec::new(), stdin, sandbox: Vec::new() }
}

fn file_spec(data: Vec<u8>) -> CaseSpec {
    CaseSpec {
        args: vec!["guest".into()],
        env: Vec::new(),
        stdin: Vec::new(),
        sandbox: vec![("data.bin".into(), SandboxEntry::File(data))],
    }
}
