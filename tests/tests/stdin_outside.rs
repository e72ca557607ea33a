//! `fd_read` of stdin into a buffer that runs past the end of memory, on
//! the native host and through our adapter: the native host reads stdin
//! first and copies what it read, so the answer depends on what stdin
//! holds. Nothing left: 0. A few bytes that fit in the part of the buffer
//! inside memory: those bytes. The guest prints each answer and then what is
//! left of stdin, and both hosts must print the same. More than fit: the
//! native host traps on the copy, where the adapter answers EFAULT
//! (docs/p1-coverage.md), with the bytes read gone from stdin as they are
//! natively.

use adapter_tests::adapters::{self, ExitMode};
use adapter_tests::cases::CaseSpec;
use adapter_tests::outcome::ExitStatus;
use adapter_tests::{component, native};

/// Reads stdin into a 256-byte buffer whose first 16 bytes are the last of
/// the single page; writes the errno and count (8 bytes), the 16 bytes,
/// then, read the ordinary way, what is left of stdin.
const GUEST: &str = r#"
(module
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func $write (param $buf i32) (param $len i32)
    (i32.store (i32.const 0x100) (local.get $buf))
    (i32.store (i32.const 0x104) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 0x100) (i32.const 1) (i32.const 0x108))))
  (func (export "_start")
    ;; the iovec: 0xfff0, 256 bytes
    (i32.store (i32.const 0x200) (i32.const 0xfff0))
    (i32.store (i32.const 0x204) (i32.const 0x100))
    (i32.store (i32.const 0x300) (call $fd_read (i32.const 0) (i32.const 0x200) (i32.const 1) (i32.const 0x304)))
    (call $write (i32.const 0x300) (i32.const 8))
    (call $write (i32.const 0xfff0) (i32.const 16))
    ;; the rest, into 0x400..0x800
    (i32.store (i32.const 0x200) (i32.const 0x400))
    (i32.store (i32.const 0x204) (i32.const 0x400))
    (drop (call $fd_read (i32.const 0) (i32.const 0x200) (i32.const 1) (i32.const 0x304)))
    (call $write (i32.const 0x400) (i32.load (i32.const 0x304))))
)
"#;

#[test]
fn stdin_read_into_a_buffer_past_the_end_of_memory_answers_as_native() {
    let module = wat::parse_str(GUEST).expect("valid WAT");
    let adapter = adapters::ours(ExitMode::Portable).expect("adapter built by ci/build-adapters.sh");
    let component = component::encode(&module, &adapter.bytes).expect("encodes as a component");
    let inputs: [(&str, Vec<u8>); 3] = [
        ("nothing", Vec::new()),
        ("a few bytes", b"hello".to_vec()),
        ("exactly what fits", b"0123456789abcdef".to_vec()),
    ];
    for (what, stdin) in inputs {
        let expected = native::run(&module, &spec(stdin.clone())).expect("runs natively");
        let actual = component::run(&component, &spec(stdin)).expect("runs as a component");
        assert_eq!(
            (&actual.stdout, &actual.exit),
            (&expected.stdout, &expected.exit),
            "stdin holding {what}: adapter (left) and native (right) differ"
        );
    }

    let more: Vec<u8> = (0..100).collect();
    let expected = native::run(&module, &spec(more.clone())).expect("runs natively");
    assert!(
        matches!(&expected.exit, ExitStatus::HostError(e) if e.contains("out of bounds")),
        "the native host no longer traps on the copy: {:?}",
        expected.exit
    );
    let actual = component::run(&component, &spec(more)).expect("runs as a component");
    let mut printed = 21u32.to_le_bytes().to_vec(); // EFAULT
    printed.extend([0; 4 + 16]); // no count, the buffer untouched, and nothing left
    assert_eq!((actual.stdout, actual.exit), (printed, ExitStatus::Code(0)));
}

fn spec(stdin: Vec<u8>) -> CaseSpec {
    CaseSpec { args: vec!["guest".into()], env: Vec::new(), stdin, sandbox: Vec::new() }
}
