//! Every sequence of docs/reentrancy.md that involves a host-started
//! allocation, with hand-written guests: a reactor whose `cabi_realloc`
//! makes P1 calls while the host lowers a `get-blob` result into it. The
//! component runtime traps on any import called from there, so a run that
//! completes proves the adapter served those calls without the host.

use adapter_tests::{component, gc_reactor, reactor};

/// `$announce_begin` / `$announce_end` are replaced per variant.
const GUEST: &str = r#"
(module
  (import "test:gc/blobs" "get-blob" (func $get_blob (param i32 i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "adapter_monotonic_clock_set_paused" (func $set_paused (param i32)))
  (memory (export "memory") 4)
  ;; 0x100: "in realloc\n" and its iovec at 0x110; 0x200: two clock
  ;; subscriptions (zero timeout, one second); 0x300: events; 0x400:
  ;; scratch results; 0x10000..: where every blob lands.
  (data (i32.const 0x100) "in realloc\n")
  (data (i32.const 0x110) "\00\01\00\00\0b\00\00\00")
  (global $failures (mut i32) (i32.const 0))
  (global $random_errno (mut i32) (i32.const -1))
  (global $last_mono (mut i64) (i64.const 0))
  (func $fail (global.set $failures (i32.add (global.get $failures) (i32.const 1))))
  (func $expect (param $ok i32) (if (i32.eqz (local.get $ok)) (then (call $fail))))
  (func $subscribe_clock (param $at i32) (param $userdata i64) (param $timeout i64)
    (i64.store (local.get $at) (local.get $userdata))
    (i32.store8 (i32.add (local.get $at) (i32.const 8)) (i32.const 0))
    (i32.store (i32.add (local.get $at) (i32.const 16)) (i32.const 1))
    (i64.store (i32.add (local.get $at) (i32.const 24)) (local.get $timeout))
    (i32.store16 (i32.add (local.get $at) (i32.const 40)) (i32.const 0)))
  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    $announce_begin
    ;; both clocks answer, never 0, the monotonic one never backwards
    (call $expect (i32.eqz (call $clock (i32.const 1) (i64.const 0) (i32.const 0x400))))
    (call $expect (i64.ne (i64.load (i32.const 0x400)) (i64.const 0)))
    (call $expect (i64.ge_u (i64.load (i32.const 0x400)) (global.get $last_mono)))
    (call $expect (i32.eqz (call $clock (i32.const 0) (i64.const 0) (i32.const 0x408))))
    (call $expect (i64.ne (i64.load (i32.const 0x408)) (i64.const 0)))
    ;; a zero-timeout clock and a one-second clock: the earliest fires
    (call $subscribe_clock (i32.const 0x200) (i64.const 7) (i64.const 0))
    (call $subscribe_clock (i32.const 0x230) (i64.const 8) (i64.const 1000000000))
    (call $expect (i32.eqz (call $poll (i32.const 0x200) (i32.const 0x300) (i32.const 2) (i32.const 0x410))))
    (call $expect (i32.eq (i32.load (i32.const 0x410)) (i32.const 1)))
    (call $expect (i64.eq (i64.load (i32.const 0x300)) (i64.const 7)))
    ;; output is kept for later
    (call $expect (i32.eqz (call $fd_write (i32.const 2) (i32.const 0x110) (i32.const 1) (i32.const 0x414))))
    (call $expect (i32.eq (i32.load (i32.const 0x414)) (i32.const 11)))
    (global.set $random_errno (call $random (i32.const 0x420) (i32.const 8)))
    ;; what needs the host is an errno, not a trap
    (call $expect (i32.eq (call $path_open (i32.const 3) (i32.const 0) (i32.const 0x100) (i32.const 2)
        (i32.const 0) (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 0x418)) (i32.const 58)))
    $announce_end
    (i32.const 0x10000))
  (func (export "run") (param $calls i32) (result i32)
    (local $n i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $n) (local.get $calls)))
        (call $get_blob (local.get $n) (i32.const 0x500))
        (call $expect (i32.eq (i32.load (i32.const 0x500)) (i32.const 0x10000)))
        (call $expect (i32.eq (i32.load (i32.const 0x504)) (i32.const 65536)))
        ;; randomness: the pool is empty until an unpaused call filled it
        (call $expect (i32.eq (global.get $random_errno)
          (select (i32.const 58) (i32.const 0) (i32.eqz (local.get $n)))))
        ;; an unpaused call between results (it writes the kept output)
        (drop (call $clock (i32.const 1) (i64.const 0) (i32.const 0x430)))
        (global.set $last_mono (i64.load (i32.const 0x430)))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $next)))
    (global.get $failures))
  (func (export "gc-in-realloc") (result i64) (i64.const 0)))
"#;

const CALLS: u32 = 50;

fn guest(begin: &str, end: &str) -> Vec<u8> {
    let wat = GUEST.replace("$announce_begin", begin).replace("$announce_end", end);
    gc_reactor::with_world(&wat::parse_str(wat).expect("valid WAT")).unwrap()
}

fn run(module: &[u8]) -> anyhow::Result<gc_reactor::GcOutcome> {
    let bytes = component::encode(module, &reactor::our_adapter().unwrap()).unwrap();
    gc_reactor::run(&bytes, CALLS, &[])
}

fn assert_served(outcome: anyhow::Result<gc_reactor::GcOutcome>) {
    let outcome = outcome.unwrap();
    assert_eq!(outcome.bad, 0, "checks failed inside the allocation; stderr: {}", outcome.stderr);
    assert_eq!(outcome.stderr, "in realloc\n".repeat(CALLS as usize), "kept output, in order");
}

/// The guest announces the allocation (componentize-go's runtime library);
/// the adapter is placed by a call inside the first allocation.
#[test]
fn announced_allocation_is_served_without_the_host() {
    let module = guest("(call $set_paused (i32.const 1))", "(call $set_paused (i32.const 0))");
    assert_served(run(&module));
}

/// Pauses nest: an inner close leaves the outer pause in force.
#[test]
fn pause_inside_pause() {
    let module = guest(
        "(call $set_paused (i32.const 1)) (call $set_paused (i32.const 1)) (call $set_paused (i32.const 0))",
        "(call $set_paused (i32.const 0))",
    );
    assert_served(run(&module));
}

/// Output beyond what a pause keeps (512 bytes) is cut off, and the next
/// unpaused call says so after writing what was kept. Swept over how much a
/// pause writes, across the point where the buffer fills.
#[test]
fn output_beyond_the_pause_buffer_is_reported() {
    for extra in 0..=40 {
        // `extra` more writes of the 11-byte line before the guest's own one.
        let writes = "(drop (call $fd_write (i32.const 2) (i32.const 0x110) (i32.const 1) (i32.const 0x414))) ".repeat(extra);
        let module = guest(&format!("(call $set_paused (i32.const 1)) {writes}"), "(call $set_paused (i32.const 0))");
        let outcome = run(&module).unwrap();
        assert_eq!(outcome.bad, 0, "{extra} extra writes: checks failed inside the allocation; stderr: {}", outcome.stderr);
        assert_eq!(outcome.stderr, kept_output(extra + 1).repeat(CALLS as usize), "{extra} extra writes");
    }
}

/// What the next unpaused call writes after a pause that wrote the line
/// `writes` times: each write is kept as a 3-byte header and as much of the
/// line as fits the 512 bytes, the rest dropped and then reported.
fn kept_output(writes: usize) -> String {
    const LINE: &str = "in realloc\n";
    let (mut used, mut kept, mut dropped) = (0, String::new(), 0);
    for _ in 0..writes {
        let room = 512 - used;
        if room <= 3 {
            dropped += LINE.len();
            continue;
        }
        let n = LINE.len().min(room - 3);
        kept.push_str(&LINE[..n]);
        used += 3 + n;
        dropped += LINE.len() - n;
    }
    if dropped > 0 {
        kept.push_str("wasi-preview1-adapter: output written during a host-started allocation did not fit and was dropped\n");
    }
    kept
}

/// The guest does not announce anything; the converter's wrapper does.
#[test]
fn wrapped_allocation_is_served_without_the_host() {
    let module = guest("", "");
    let wrapped = p1_convert::wrap_realloc(&module).unwrap().expect("exports cabi_realloc");
    assert_served(run(&wrapped));
}

/// Neither: the first P1 call inside the allocation reaches the host, which
/// refuses (the adapter cannot know it is inside the host's allocation).
#[test]
fn unannounced_allocation_traps_in_the_host() {
    let module = guest("", "");
    let err = run(&module).err().expect("the host refuses");
    assert!(format!("{err:#}").contains("cannot leave component instance"), "{err:#}");
}
