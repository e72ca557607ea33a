//! The placement hint (provider/src/placement_hint.rs, docs/memory.md): a
//! converter that has read the main module tells the adapter whether it is
//! Go, and the adapter's first call follows the hint instead of reading
//! memory. Observed through `memory.size` after the first P1 call: an arena
//! below Go's first data grows nothing, an arena in grown pages grows two.
//!
//! Two small guests: one that looks like Go to the run-time test (nothing
//! below 12,288, a pclntab header above) and one that does not (data at
//! 1,024), each converted unchanged, with the hint `p1_convert` computes,
//! and with the opposite hint forced in.

use adapter_tests::adapters::{self, ExitMode};
use adapter_tests::outcome::ExitStatus;
use adapter_tests::{cases, component};
use p1_convert::Recognised;
use wasi_preview1_adapter_provider::placement_hint;

const PAGES: u32 = 4;
/// What `adapter/src/placement.rs` grows for an arena of its own.
const ARENA_PAGES: u32 = 2;
/// Where the Go-like guest's data goes: the adapter's second coarse probe
/// (12,288 + 32 KiB), so that the run-time test finds data there and scans
/// down to the header at 0x8000. A real Go module's header is followed by
/// 128 KiB of dense pclntab that a probe cannot miss (go_layout.rs).
const GO_LIKE_DATA: u32 = 0xb000;

/// A guest whose data sits at `data_at`: "ok\n" there, its iovec after it,
/// and, if `pclntab`, a plausible Go pclntab header at 0x8000. It writes
/// "ok\n" (the first P1 call places the arena) and exits with 0 if memory
/// then has `expected_pages`, else with the page count.
fn guest(data_at: u32, pclntab: bool, expected_pages: u32) -> Vec<u8> {
    let header = if pclntab {
        // magic f1ff ffff, pad, min instruction size 1, pointer size 8;
        // nfunc 1, nfiles 1, then at +32 a funcname offset of 64.
        r#"(data (i32.const 0x8000) "\f1\ff\ff\ff\00\00\01\08\01\00\00\00\00\00\00\00\01\00\00\00\00\00\00\00\00\00\00\00\00\00\00\00\40\00\00\00\00\00\00\00")"#
    } else {
        ""
    };
    let iovec = data_at + 16;
    let written = data_at + 32;
    let wat = format!(
        r#"(module
          (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
          (memory (export "memory") {PAGES})
          (data (i32.const {data_at}) "ok\n")
          (func (export "_start")
            (i32.store (i32.const {iovec}) (i32.const {data_at}))
            (i32.store (i32.const {}) (i32.const 3))
            (drop (call $fd_write (i32.const 1) (i32.const {iovec}) (i32.const 1) (i32.const {written})))
            (if (i32.eq (memory.size) (i32.const {expected_pages}))
              (then (call $exit (i32.const 0))))
            (call $exit (memory.size)))
          {header})"#,
        iovec + 4
    );
    wat::parse_str(&wat).expect("test guest is valid WAT")
}

/// The adapter with its hint set to `hint` (`None`: left as built).
fn adapter_with(hint: Option<i32>) -> Vec<u8> {
    let mut adapter = adapters::ours(ExitMode::WithCode).expect("adapter built by ci/build-adapters.sh").bytes;
    if let Some(hint) = hint {
        let at = p1_convert::hint_offset(&adapter).unwrap().expect("our adapter has a placement hint");
        let init = placement_hint::init_expr(hint);
        adapter[at..at + init.len()].copy_from_slice(&init);
    }
    adapter
}

/// The adapter as `p1-convert` hints it for `module`, checked to carry
/// `expected`.
fn hinted_for(module: &[u8], expected: i32) -> Vec<u8> {
    let adapter = adapter_with(None);
    let hinted = p1_convert::with_placement_hint(&adapter, module).into_owned();
    let at = p1_convert::hint_offset(&hinted).unwrap().unwrap();
    assert_eq!(hinted[at..at + 7], placement_hint::init_expr(expected));
    hinted
}

fn run(module: &[u8], adapter: &[u8]) -> ExitStatus {
    let bytes = component::encode(module, adapter).expect("encodes as a component");
    let outcome = component::run(&bytes, &cases::spec("mechanics")).expect("runs");
    assert_eq!(outcome.stdout, b"ok\n", "stderr: {}", String::from_utf8_lossy(&outcome.stderr));
    outcome.exit
}

#[test]
fn a_go_like_module_gets_the_low_arena_unless_told_otherwise() {
    let low = guest(GO_LIKE_DATA, true, PAGES);
    assert_eq!(p1_convert::recognise(&low).unwrap(), Some(Recognised::Go));
    // Recognised at run time, and by the converter.
    assert_eq!(run(&low, &adapter_with(None)), ExitStatus::Code(0));
    assert_eq!(run(&low, &hinted_for(&low, placement_hint::GO)), ExitStatus::Code(0));
    // Told it is not Go, the adapter grows its arena without looking.
    let grown = guest(GO_LIKE_DATA, true, PAGES + ARENA_PAGES);
    assert_eq!(run(&grown, &adapter_with(Some(placement_hint::NOT_GO))), ExitStatus::Code(0));
}

#[test]
fn another_module_gets_grown_pages_unless_told_otherwise() {
    let grown = guest(0x400, false, PAGES + ARENA_PAGES);
    assert_eq!(p1_convert::recognise(&grown).unwrap(), Some(Recognised::NotGo));
    assert_eq!(run(&grown, &adapter_with(None)), ExitStatus::Code(0));
    assert_eq!(run(&grown, &hinted_for(&grown, placement_hint::NOT_GO)), ExitStatus::Code(0));
    // Told it is Go, the adapter takes the low arena without looking, here
    // for a module without a pclntab (its data above the arena).
    let low = guest(GO_LIKE_DATA, false, PAGES);
    assert_eq!(run(&low, &adapter_with(Some(placement_hint::GO))), ExitStatus::Code(0));
}

/// wasmtime's adapter has no hint; the converter leaves it as it is.
#[test]
fn an_adapter_without_a_hint_is_left_alone() {
    let theirs = wasi_preview1_component_adapter_provider::WASI_SNAPSHOT_PREVIEW1_COMMAND_ADAPTER;
    assert_eq!(p1_convert::hint_offset(theirs).unwrap(), None);
    let module = guest(GO_LIKE_DATA, true, PAGES);
    assert!(matches!(p1_convert::with_placement_hint(theirs, &module), std::borrow::Cow::Borrowed(_)));
}

/// A hint cannot make room that is not there: told "Go" for a memory too
/// small for the low arena, the adapter grows its own (here at address 0).
#[test]
fn a_go_hint_for_a_memory_without_room_grows_an_arena() {
    let wat = r#"(module
      (import "wasi_snapshot_preview1" "sched_yield" (func $yield (result i32)))
      (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
      (memory (export "memory") 0)
      (func (export "_start")
        (drop (call $yield))
        (call $exit (i32.add (i32.const 7) (memory.size)))))"#;
    let module = wat::parse_str(wat).expect("test guest is valid WAT");
    let bytes = component::encode(&module, &adapter_with(Some(placement_hint::GO))).expect("encodes as a component");
    let outcome = component::run(&bytes, &cases::spec("mechanics")).expect("runs");
    assert_eq!(
        outcome.exit,
        ExitStatus::Code(7 + ARENA_PAGES as i32),
        "stderr: {}",
        String::from_utf8_lossy(&outcome.stderr)
    );
}
