//! The adapter's own mechanisms, driven by small hand-written main modules
//! (WAT) that do what a misbehaving guest allocator would do: claim the
//! adapter's pages, grow memory, or overwrite the adapter's state. These
//! have no native counterpart, so they assert on the adapted run directly.
//! Each guest exits with 0 when all its checks pass, or with the number of
//! the first failing check (run with the exit-with-code adapter, so the
//! number survives).

use adapter_tests::adapters::{self, ExitMode};
use adapter_tests::outcome::{ExitStatus, Outcome};
use adapter_tests::{cases, component};

const IMPORTS: &str = r#"
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "wasi_snapshot_preview1" "adapter_open_badfd" (func $open_badfd (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "adapter_close_badfd" (func $close_badfd (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "adapter_monotonic_clock_set_paused" (func $set_paused (param i32)))
  (import "wasi_snapshot_preview1" "fd_fdstat_set_flags" (func $fd_fdstat_set_flags (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_raise" (func $proc_raise (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_seek" (func $fd_seek (param i32 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "sock_shutdown" (func $sock_shutdown (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environ_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  ;; "ok\n" and an iovec pointing at it.
  (data (i32.const 0x400) "ok\n")
  (data (i32.const 0x410) "\00\04\00\00\03\00\00\00")
  (func $check (param $ok i32) (param $number i32)
    (if (i32.eqz (local.get $ok)) (then (call $exit (local.get $number)))))
  (func $say_ok (result i32)
    (call $fd_write (i32.const 1) (i32.const 0x410) (i32.const 1) (i32.const 0x420)))
  (func $all_bytes_are (param $at i32) (param $len i32) (param $byte i32) (result i32)
    (block $differs
      (loop $next
        (br_if $differs (i32.ne (i32.load8_u (local.get $at)) (local.get $byte)))
        (local.set $at (i32.add (local.get $at) (i32.const 1)))
        (local.set $len (i32.sub (local.get $len) (i32.const 1)))
        (br_if $next (local.get $len)))
      (return (i32.const 1)))
    (i32.const 0))
  (func $now (result i64)
    (drop (call $clock_time_get (i32.const 1) (i64.const 0) (i32.const 0x430)))
    (i64.load (i32.const 0x430)))
  ;; Opens "." (at 0x700) from preopen 3 $count times, the last number at
  ;; 0x500; exits with $number if an open fails.
  (func $open_dirs (param $count i32) (param $number i32)
    (i32.store8 (i32.const 0x700) (i32.const 0x2e))
    (block $done (loop $open
      (br_if $done (i32.eqz (local.get $count)))
      (call $check (i32.eqz (call $path_open (i32.const 3) (i32.const 0) (i32.const 0x700) (i32.const 1)
          (i32.const 2) (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 0x500))) (local.get $number))
      (local.set $count (i32.sub (local.get $count) (i32.const 1)))
      (br $open))))
  ;; Exits with $number unless descriptors $fd..=$last are all open:
  ;; sock_shutdown answers ENOTSOCK (57) for those, EBADF once closed or lost.
  (func $check_open (param $fd i32) (param $last i32) (param $number i32)
    (block $checked (loop $next
      (br_if $checked (i32.gt_u (local.get $fd) (local.get $last)))
      (call $check (i32.eq (call $sock_shutdown (local.get $fd) (i32.const 0)) (i32.const 57)) (local.get $number))
      (local.set $fd (i32.add (local.get $fd) (i32.const 1)))
      (br $next))))
"#;

fn run_guest(start_body: &str) -> Outcome {
    run_guest_with_memory(start_body, "(memory (export \"memory\") 1)")
}

fn run_guest_with_memory(start_body: &str, memory: &str) -> Outcome {
    let imports = IMPORTS.replace("(memory (export \"memory\") 1)", memory);
    let wat = format!("(module {imports} (func (export \"_start\") {start_body}))");
    let module = wat::parse_str(&wat).expect("test guest is valid WAT");
    let adapter = adapters::ours(ExitMode::WithCode).expect("adapter built by ci/build-adapters.sh");
    let bytes = component::encode(&module, &adapter.bytes).expect("encodes as a component");
    component::run(&bytes, &cases::spec("mechanics")).expect("runs")
}

fn assert_passed(outcome: &Outcome) {
    assert_eq!(
        outcome.exit,
        ExitStatus::Code(0),
        "stdout: {} stderr: {}",
        String::from_utf8_lossy(&outcome.stdout),
        String::from_utf8_lossy(&outcome.stderr)
    );
}

#[test]
fn badfd_reservations_answer_ebadf_until_released() {
    let outcome = run_guest(
        r#"
        (call $check (i32.eqz (call $open_badfd (i32.const 0x500))) (i32.const 10))
        ;; the reserved number is taken but unusable
        (call $check (i32.eq (call $fd_write (i32.load (i32.const 0x500)) (i32.const 0x410) (i32.const 1) (i32.const 0x420)) (i32.const 8)) (i32.const 11))
        ;; the next reservation gets another number
        (call $check (i32.eqz (call $open_badfd (i32.const 0x504))) (i32.const 12))
        (call $check (i32.ne (i32.load (i32.const 0x500)) (i32.load (i32.const 0x504))) (i32.const 13))
        ;; released once, then it is gone
        (call $check (i32.eqz (call $close_badfd (i32.load (i32.const 0x500)))) (i32.const 14))
        (call $check (i32.eq (call $close_badfd (i32.load (i32.const 0x500))) (i32.const 8)) (i32.const 15))
        ;; an ordinary descriptor is not a reservation
        (call $check (i32.eq (call $close_badfd (i32.const 1)) (i32.const 8)) (i32.const 16))
        (call $check (i32.eqz (call $say_ok)) (i32.const 17))
        "#,
    );
    assert_passed(&outcome);
    assert_eq!(outcome.stdout, b"ok\n");
}

#[test]
fn paused_monotonic_clock_stands_still() {
    let outcome = run_guest(
        r#"
        (local $paused i64)
        (call $set_paused (i32.const 1))
        (local.set $paused (call $now))
        (call $check (i64.ne (local.get $paused) (i64.const 0)) (i32.const 20))
        (drop (call $say_ok))
        (call $check (i64.eq (call $now) (local.get $paused)) (i32.const 21))
        (call $set_paused (i32.const 0))
        (call $check (i64.ge_u (call $now) (local.get $paused)) (i32.const 22))
        "#,
    );
    assert_passed(&outcome);
}

/// A paused poll "sleeps" by moving the paused clocks on
/// (docs/reentrancy.md). Right after the pause the host's clock is behind
/// that: the unpaused reads answer the paused time instead (`Pause::ahead`),
/// so the guest never sees the monotonic clock go back.
#[test]
fn the_monotonic_clock_never_goes_back_after_a_paused_poll() {
    let outcome = run_guest(
        r#"
        (local $before i64)
        (local $after i64)
        (drop (call $now))
        (call $set_paused (i32.const 1))
        (local.set $before (call $now))
        ;; one subscription at 0x800: the monotonic clock, 10 s from now
        (i32.store8 (i32.const 0x808) (i32.const 0))
        (i32.store (i32.const 0x810) (i32.const 1))
        (i64.store (i32.const 0x818) (i64.const 10000000000))
        (i64.store (i32.const 0x820) (i64.const 0))
        (i32.store16 (i32.const 0x828) (i32.const 0))
        (call $check (i32.eqz (call $poll (i32.const 0x800) (i32.const 0x900) (i32.const 1) (i32.const 0x940))) (i32.const 90))
        (call $check (i32.eq (i32.load (i32.const 0x940)) (i32.const 1)) (i32.const 91))
        (local.set $after (call $now))
        (call $check (i64.ge_u (i64.sub (local.get $after) (local.get $before)) (i64.const 10000000000)) (i32.const 92))
        (call $set_paused (i32.const 0))
        (call $check (i64.ge_u (call $now) (local.get $after)) (i32.const 93))
        (call $check (i64.ge_u (call $now) (local.get $after)) (i32.const 94))
        "#,
    );
    assert_passed(&outcome);
}

/// An allocator that claims all memory up to `memory.size` at its first
/// allocation writes its bookkeeping at the end of memory; the adapter sees
/// that, moves its state to fresh pages, and the old pages become the
/// guest's to overwrite.
#[test]
fn state_moves_when_an_allocator_claims_the_end_of_memory() {
    // TLSF's tail block header, four bytes before the end.
    claim_end_of_memory(4, 2, 30);
}

/// Debian's 2022 wasi-libc (dlmalloc) claims all memory too; its first
/// write at the end of memory is the top chunk's footer size, 52 bytes
/// before the end (`TOP_FOOT_SIZE` 56, the size field 4 bytes in). The
/// tripwire watches that word as well as the last one (TLSF's).
#[test]
fn state_moves_when_dlmalloc_claims_the_end_of_memory() {
    claim_end_of_memory(52, 56, 35);
}

/// The guest writes `value` `back` bytes before the end of memory between
/// two P1 calls, as an allocator claiming all memory does: the adapter must
/// have moved to pages grown since, and leave the old ones to the guest.
/// Failed checks report `first_check` to `first_check + 4`.
fn claim_end_of_memory(back: u32, value: u32, first_check: u32) {
    let [c0, c1, c2, c3, c4] = [0, 1, 2, 3, 4].map(|k| first_check + k);
    let outcome = run_guest(&format!(
        r#"
        (local $end i32)
        (local $pages i32)
        (call $check (i32.eqz (call $say_ok)) (i32.const {c0}))
        (local.set $pages (memory.size))
        (local.set $end (i32.mul (memory.size) (i32.const 65536)))
        (i32.store (i32.sub (local.get $end) (i32.const {back})) (i32.const {value}))
        (call $check (i32.eqz (call $say_ok)) (i32.const {c1}))
        ;; the adapter grew fresh pages for its state
        (call $check (i32.gt_u (memory.size) (local.get $pages)) (i32.const {c2}))
        ;; the guest now uses the old pages, all of them
        (memory.fill (i32.sub (local.get $end) (i32.const 131072)) (i32.const 0xaa) (i32.const 131072))
        (call $check (i32.eqz (call $say_ok)) (i32.const {c3}))
        ;; and the adapter no longer touches them (not even with its stack)
        (call $check (call $all_bytes_are (i32.sub (local.get $end) (i32.const 131072)) (i32.const 131072) (i32.const 0xaa)) (i32.const {c4}))
        "#
    ));
    assert_passed(&outcome);
    assert_eq!(outcome.stdout, b"ok\nok\nok\n");
}

/// A module that grows memory itself has an active allocator: the adapter
/// moves away from the pages such an allocator may have claimed.
#[test]
fn state_moves_when_the_guest_grows_memory() {
    let outcome = run_guest(
        r#"
        (local $old_end i32)
        (call $check (i32.eqz (call $say_ok)) (i32.const 40))
        (local.set $old_end (i32.mul (memory.size) (i32.const 65536)))
        (drop (memory.grow (i32.const 1)))
        (call $check (i32.eqz (call $say_ok)) (i32.const 41))
        (memory.fill (i32.sub (local.get $old_end) (i32.const 131072)) (i32.const 0xaa) (i32.const 131072))
        (call $check (i32.eqz (call $say_ok)) (i32.const 42))
        "#,
    );
    assert_passed(&outcome);
}

/// Once settled, overwriting the adapter's state is reported in words, not
/// silently used.
#[test]
fn overwritten_state_is_reported_on_stderr() {
    let outcome = run_guest(
        r#"
        (call $check (i32.eqz (call $say_ok)) (i32.const 50))
        (drop (memory.grow (i32.const 1)))
        ;; the adapter settles into fresh pages at the top
        (call $check (i32.eqz (call $say_ok)) (i32.const 51))
        ;; a runaway guest overwrites them
        (memory.fill (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 131072)) (i32.const 0xaa) (i32.const 131072))
        (drop (call $say_ok))
        (call $exit (i32.const 52))
        "#,
    );
    assert!(matches!(outcome.exit, ExitStatus::Trap(_)), "expected a trap, got {}", outcome.exit);
    let stderr = String::from_utf8_lossy(&outcome.stderr);
    assert!(
        stderr.contains("adapter state overwritten at 0x")
            && stderr.contains("the guest's heap overlaps it"),
        "stderr: {stderr}"
    );
}

/// With memory at its maximum there is nowhere to place the state; the
/// adapter says so instead of trapping silently.
#[test]
fn no_room_for_the_state_is_reported_on_stderr() {
    let outcome = run_guest_with_memory(
        r#"
        (drop (call $say_ok))
        (call $exit (i32.const 60))
        "#,
        "(memory (export \"memory\") 1 1)",
    );
    assert!(matches!(outcome.exit, ExitStatus::Trap(_)), "expected a trap, got {}", outcome.exit);
    let stderr = String::from_utf8_lossy(&outcome.stderr);
    assert!(stderr.contains("memory.grow failed"), "stderr: {stderr}");
}

/// Malformed arguments (unknown flag bits, out-of-range enum values) make
/// the native host trap while decoding them; the adapter answers EINVAL
/// (28), checked before anything else, so a program can recover.
#[test]
fn malformed_arguments_are_einval_not_traps() {
    let outcome = run_guest(
        r#"
        (call $check (i32.eq (call $fd_fdstat_set_flags (i32.const 1) (i32.const 0x100)) (i32.const 28)) (i32.const 70))
        (call $check (i32.eq (call $fd_fdstat_set_flags (i32.const 999) (i32.const 0x100)) (i32.const 28)) (i32.const 71))
        (call $check (i32.eq (call $clock_time_get (i32.const 9) (i64.const 0) (i32.const 0x430)) (i32.const 28)) (i32.const 72))
        (call $check (i32.eq (call $proc_raise (i32.const 99)) (i32.const 28)) (i32.const 73))
        (call $check (i32.eq (call $fd_seek (i32.const 1) (i64.const 0) (i32.const 7) (i32.const 0x430)) (i32.const 28)) (i32.const 74))
        (call $check (i32.eq (call $sock_shutdown (i32.const 1) (i32.const 8)) (i32.const 28)) (i32.const 75))
        ;; path_open: unknown oflags, lookupflags, fdflags, rights bits
        (call $check (i32.eq (call $path_open (i32.const 3) (i32.const 0) (i32.const 0x400) (i32.const 1) (i32.const 0x10) (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 0x430)) (i32.const 28)) (i32.const 76))
        (call $check (i32.eq (call $path_open (i32.const 3) (i32.const 2) (i32.const 0x400) (i32.const 1) (i32.const 0) (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 0x430)) (i32.const 28)) (i32.const 77))
        (call $check (i32.eq (call $path_open (i32.const 3) (i32.const 0) (i32.const 0x400) (i32.const 1) (i32.const 0) (i64.const 0) (i64.const 0) (i32.const 0x40) (i32.const 0x430)) (i32.const 28)) (i32.const 78))
        (call $check (i32.eq (call $path_open (i32.const 3) (i32.const 0) (i32.const 0x400) (i32.const 1) (i32.const 0) (i64.const 0x40000000) (i64.const 0) (i32.const 0) (i32.const 0x430)) (i32.const 28)) (i32.const 79))
        "#,
    );
    assert_passed(&outcome);
}

/// A module whose memory starts with no pages (AssemblyScript programs that
/// only exit are like this): `memory.grow` answers 0, the old size, which is
/// a valid base for the adapter's arena.
#[test]
fn empty_memory_gets_an_arena_at_address_zero() {
    let wat = r#"(module
      (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
      (memory (export "memory") 0)
      (func (export "_start") (call $exit (i32.const 7))))"#;
    let module = wat::parse_str(wat).expect("test guest is valid WAT");
    let adapter = adapters::ours(ExitMode::WithCode).expect("adapter built by ci/build-adapters.sh");
    let bytes = component::encode(&module, &adapter.bytes).expect("encodes as a component");
    let outcome = component::run(&bytes, &cases::spec("mechanics")).expect("runs");
    assert_eq!(outcome.exit, ExitStatus::Code(7), "stderr: {}", String::from_utf8_lossy(&outcome.stderr));
}

/// Pointers that run past the end of memory (or wrap around it) trap on the
/// native host; the adapter answers EFAULT and reads nothing outside the
/// guest's memory (docs/p1-coverage.md).
#[test]
fn pointers_past_the_end_of_memory_are_efault() {
    let outcome = run_guest(
        r#"
        ;; a path that runs past the end of the single page
        (call $check (i32.eq (call $path_open (i32.const 3) (i32.const 0) (i32.const 0xfff0) (i32.const 0x20)
            (i32.const 0) (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 0x500)) (i32.const 21)) (i32.const 10))
        ;; a path whose end wraps around the address space to low memory
        (call $check (i32.eq (call $path_open (i32.const 3) (i32.const 0) (i32.const 0xfffffff0) (i32.const 0x20)
            (i32.const 0) (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 0x500)) (i32.const 21)) (i32.const 11))
        ;; an iovec whose buffer runs past the end
        (i32.store (i32.const 0x600) (i32.const 0xff00))
        (i32.store (i32.const 0x604) (i32.const 0x200))
        (call $check (i32.eq (call $fd_write (i32.const 1) (i32.const 0x600) (i32.const 1) (i32.const 0x420)) (i32.const 21)) (i32.const 12))
        ;; an iovec array that runs past the end
        (call $check (i32.eq (call $fd_write (i32.const 1) (i32.const 0xfffc) (i32.const 1) (i32.const 0x420)) (i32.const 21)) (i32.const 13))
        (call $exit (i32.const 0))
        "#,
    );
    assert_passed(&outcome);
}

/// Inside a pause (a host-started allocation) output to stdout is kept and
/// written, in order, by the next call after the pause ends.
#[test]
fn output_written_while_paused_arrives_after_the_pause() {
    let outcome = run_guest(
        r#"
        (call $set_paused (i32.const 1))
        (call $set_paused (i32.const 1))
        (call $check (i32.eqz (call $say_ok)) (i32.const 40))
        (call $check (i32.eq (i32.load (i32.const 0x420)) (i32.const 3)) (i32.const 41))
        (call $set_paused (i32.const 0))
        ;; still paused: pauses nest
        (call $check (i32.eqz (call $say_ok)) (i32.const 42))
        (call $set_paused (i32.const 0))
        (drop (call $now))
        (call $exit (i32.const 0))
        "#,
    );
    assert_passed(&outcome);
    assert_eq!(String::from_utf8_lossy(&outcome.stdout), "ok\nok\n");
}

/// A descriptor table that outgrew the state block lives in pages of its
/// own; grown before the arena settled, those pages are the last ones in
/// memory, so an allocator claiming all memory marks them first. The table
/// then moves along with the state, and every descriptor stays valid.
#[test]
fn a_grown_table_moves_with_the_state_when_memory_is_claimed() {
    let outcome = run_guest(
        r#"
        (local $end i32)
        ;; 300 directory descriptors (more than the 256 inline)
        (call $open_dirs (i32.const 300) (i32.const 50))
        ;; the last one got number 304 (0-2 stdio, 3-4 preopens)
        (call $check (i32.eq (i32.load (i32.const 0x500)) (i32.const 304)) (i32.const 51))
        ;; an allocator claims everything up to the end of memory
        (local.set $end (i32.mul (memory.size) (i32.const 65536)))
        (i32.store (i32.sub (local.get $end) (i32.const 4)) (i32.const 2))
        ;; the next call moves state and table; every descriptor still works
        (call $check_open (i32.const 5) (i32.const 304) (i32.const 52))
        ;; and the claimed pages are the guest's to scribble over
        (memory.fill (i32.sub (local.get $end) (i32.const 65536)) (i32.const 0xab) (i32.const 65536))
        (call $check (i32.eq (call $sock_shutdown (i32.const 304) (i32.const 0)) (i32.const 57)) (i32.const 53))
        (call $exit (i32.const 0))
        "#,
    );
    assert_passed(&outcome);
}

/// `environ_sizes_get` in an unsettled arena moves the arena (still
/// unsettled) clear of the guest's next allocation. A table in pages of its
/// own moves too, to pages grown after the arena's: the tripwire must then
/// watch those, armed after their growth. Armed before it, the next call
/// took that growth for the guest's and settled at once, so an allocator
/// claiming all memory afterwards went unnoticed and the guest's writes
/// landed in the adapter's state.
#[test]
fn a_table_moved_for_clearance_keeps_the_arena_watched() {
    let outcome = run_guest(
        r#"
        (local $end i32)
        (call $open_dirs (i32.const 300) (i32.const 60))
        (call $check (i32.eqz (call $environ_sizes_get (i32.const 0x500) (i32.const 0x504))) (i32.const 61))
        (call $check (i32.eqz (call $say_ok)) (i32.const 62))
        ;; now an allocator claims everything up to the end of memory
        (local.set $end (i32.mul (memory.size) (i32.const 65536)))
        (i32.store (i32.sub (local.get $end) (i32.const 4)) (i32.const 2))
        (call $check (i32.eqz (call $say_ok)) (i32.const 63))
        ;; and fills the last pages it claimed
        (memory.fill (i32.sub (local.get $end) (i32.const 262144)) (i32.const 0xab) (i32.const 262144))
        (call $check_open (i32.const 5) (i32.const 304) (i32.const 64))
        (call $exit (i32.const 0))
        "#,
    );
    assert_passed(&outcome);
}
