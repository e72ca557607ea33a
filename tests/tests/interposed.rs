//! The interposed placement (docs/memory.md): guests that grow memory the
//! way the allocators no stock placement can serve do, converted as
//! `p1-convert` converts them, against the native host.
//!
//! The guests are hand-written (TinyGo is not installed here): each grows
//! its memory as TinyGo's heap does (the heap ends at `memory.size`; a
//! growth asks for pages and then takes every page up to the new
//! `memory.size`, assuming it zero), checks that the new pages read as
//! zero, fills them, makes P1 calls between growths, and at the end checks
//! that every byte it filled is still as it left it. Each prints what each
//! growth returned, so the output is the same natively only if the
//! adapter answers every growth as a real memory would.

use adapter_tests::adapters::{self, ExitMode};
use adapter_tests::outcome::{ExitStatus, Outcome};
use adapter_tests::{cases, compare, component, native};

/// How the guest grows.
#[derive(Clone, Copy, Debug)]
enum Step {
    /// By its current size, as TinyGo does.
    Double,
    /// By this many pages each time.
    Pages(u32),
}

struct Guest {
    /// Pages the memory starts with (0: the guest grows one before it has
    /// anywhere to put its P1 buffers).
    initial: u32,
    step: Step,
    /// Grow until the memory has this many pages.
    until: u32,
    /// Batches of descriptors to open, `(pages, count)`: once the memory
    /// reaches `pages`, open `count` more (enough to move the adapter's
    /// table out of its state block, or to grow it there again); at the
    /// end every one must still be open.
    batches: &'static [(u32, u32)],
    /// The memory's declared maximum, if any.
    maximum: Option<u32>,
}

/// The guest's WAT. Its own data lives in the first page: P1 buffers at
/// 0..0x800, "." at 0x800; its heap starts at 0x1000.
fn wat(guest: &Guest) -> String {
    let memory = match guest.maximum {
        Some(max) => format!("(memory (export \"memory\") {} {max})", guest.initial),
        None => format!("(memory (export \"memory\") {})", guest.initial),
    };
    let step = match guest.step {
        Step::Double => "(memory.size)".to_string(),
        Step::Pages(n) => format!("(i32.const {n})"),
    };
    let until = guest.until;
    // After each growth: the next batch, once memory has its pages.
    let batches: String = guest
        .batches
        .iter()
        .enumerate()
        .map(|(i, (pages, count))| {
            format!(
                "(if (i32.and (i32.eq (global.get $batch) (i32.const {i})) (i32.ge_u (memory.size) (i32.const {pages}))) (then
        (call $open_descriptors (i32.const {count}))
        (global.set $batch (i32.const {next}))))\n      ",
                next = i + 1
            )
        })
        .collect();
    format!(
        r#"(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_fdstat_get" (func $fdstat (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  {memory}
  (global $heap_end (mut i32) (i32.const 0))
  (global $bad (mut i32) (i32.const 0))
  (global $first_fd (mut i32) (i32.const -1))
  (global $opened (mut i32) (i32.const 0))
  (global $batch (mut i32) (i32.const 0))
  ;; Prints "<label> <n>\n"; the label is one byte.
  (func $print (param $label i32) (param $n i32)
    (local $p i32)
    (local.set $p (i32.const 0x120))
    (i32.store8 (local.get $p) (i32.const 10))
    (loop $digits
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p) (i32.add (i32.const 48) (i32.rem_u (local.get $n) (i32.const 10))))
      (local.set $n (i32.div_u (local.get $n) (i32.const 10)))
      (br_if $digits (local.get $n)))
    (local.set $p (i32.sub (local.get $p) (i32.const 2)))
    (i32.store8 (local.get $p) (local.get $label))
    (i32.store8 offset=1 (local.get $p) (i32.const 32))
    (i32.store (i32.const 0) (local.get $p))
    (i32.store (i32.const 4) (i32.sub (i32.const 0x121) (local.get $p)))
    (if (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)) (then (call $exit (i32.const 20)))))
  ;; Counts the bytes of [from, to) that are not $byte, every 509th byte.
  (func $count_not (param $from i32) (param $to i32) (param $byte i32)
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $from) (local.get $to)))
      (if (i32.ne (i32.load8_u (local.get $from)) (local.get $byte))
        (then (global.set $bad (i32.add (global.get $bad) (i32.const 1)))))
      (local.set $from (i32.add (local.get $from) (i32.const 509)))
      (br $next))))
  (func $open_descriptors (param $count i32)
    (local $n i32)
    (i32.store8 (i32.const 0x800) (i32.const 0x2e))
    (block $done (loop $open
      (br_if $done (i32.ge_u (local.get $n) (local.get $count)))
      (if (call $path_open (i32.const 3) (i32.const 0) (i32.const 0x800) (i32.const 1) (i32.const 2)
            (i64.const 0) (i64.const 0) (i32.const 0) (i32.const 0x10))
        (then (call $exit (i32.const 21))))
      (if (i32.lt_s (global.get $first_fd) (i32.const 0)) (then (global.set $first_fd (i32.load (i32.const 0x10)))))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $open)))
    (global.set $opened (i32.add (global.get $opened) (local.get $n)))
    (call $print (i32.const 0x6f) (global.get $opened)))
  (func $check_descriptors
    (local $n i32)
    (block $done (loop $check
      (br_if $done (i32.ge_u (local.get $n) (global.get $opened)))
      (if (call $fdstat (i32.add (global.get $first_fd) (local.get $n)) (i32.const 0x40))
        (then (global.set $bad (i32.add (global.get $bad) (i32.const 1)))))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $check))))
  (func (export "_start")
    (local $old i32) (local $got i32)
    (if (i32.eqz (memory.size)) (then
      (call $print_grown (memory.grow (i32.const 1)))))
    (global.set $heap_end (i32.mul (memory.size) (i32.const 65536)))
    (memory.fill (i32.const 0x1000) (i32.const 0xab) (i32.sub (global.get $heap_end) (i32.const 0x1000)))
    (call $print (i32.const 0x73) (memory.size))
    (block $full (loop $grow
      (br_if $full (i32.ge_u (memory.size) (i32.const {until})))
      (local.set $old (global.get $heap_end))
      (local.set $got (memory.grow {step}))
      (call $print_grown (local.get $got))
      (br_if $full (i32.lt_s (local.get $got) (i32.const 0)))
      (global.set $heap_end (i32.mul (memory.size) (i32.const 65536)))
      (call $count_not (local.get $old) (global.get $heap_end) (i32.const 0))
      (memory.fill (local.get $old) (i32.const 0xab) (i32.sub (global.get $heap_end) (local.get $old)))
      (drop (call $clock (i32.const 1) (i64.const 0) (i32.const 0x20)))
      {batches}(br $grow)))
    (call $check_descriptors)
    (call $count_not (i32.const 0x1000) (global.get $heap_end) (i32.const 0xab))
    (call $print (i32.const 0x6d) (memory.size))
    (call $print (i32.const 0x62) (global.get $bad))
    (if (global.get $bad) (then (call $exit (i32.const 1)))))
  ;; "g <old size>" for a growth, "g -1" for a refused one.
  (func $print_grown (param $got i32)
    (if (i32.lt_s (local.get $got) (i32.const 0))
      (then (call $print (i32.const 0x72) (i32.const 1)))
      (else (call $print (i32.const 0x67) (local.get $got))))))
"#
    )
}

/// Runs the guest natively and converted as `p1-convert` converts it;
/// both must print, exit and leave the same.
fn same_as_native(guest: &Guest) -> Outcome {
    let module = wat::parse_str(wat(guest)).expect("the guest is valid WAT");
    let spec = cases::spec("interposed");
    let expected = native::run(&module, &spec).expect("runs natively");
    let adapter = adapters::ours(ExitMode::WithCode).expect("adapter built by ci/build-adapters.sh");
    let component = component::convert(&module, &adapter.bytes).expect("converts");
    let actual = component::run(&component, &spec).expect("runs as a component");
    let diffs = compare::compare(&expected, &actual, ExitMode::WithCode);
    assert!(
        diffs.is_empty(),
        "{guest:?} differs from native:\n{}",
        diffs.iter().map(|d| d.detail.as_str()).collect::<Vec<_>>().join("\n")
    );
    assert_eq!(expected.exit, ExitStatus::Code(0), "{guest:?}: {}", String::from_utf8_lossy(&expected.stdout));
    actual
}

impl std::fmt::Debug for Guest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "guest from {} pages by {:?} to {} (max {:?})", self.initial, self.step, self.until, self.maximum)
    }
}

const MIB: u32 = 16; // pages

/// From 0 (or a page or two) to 256 MiB, in every kind of step: TinyGo's
/// doubling, single pages (the arena moves again and again), odd sizes,
/// and steps larger than the adapter's slack.
#[test]
fn tinygo_style_growth_to_256_mib_matches_native() {
    let steps = [Step::Double, Step::Pages(1), Step::Pages(3), Step::Pages(17), Step::Pages(255), Step::Pages(1000)];
    for (n, step) in steps.into_iter().enumerate() {
        let initial = [0, 1, 2][n % 3];
        same_as_native(&Guest { initial, step, until: 256 * MIB, batches: &[], maximum: None });
    }
}

/// The descriptor table outgrows the state block into pages of its own
/// while the guest keeps growing: both blocks move up together, and every
/// descriptor still answers.
#[test]
fn the_descriptor_table_moves_with_the_arena() {
    for step in [Step::Double, Step::Pages(1), Step::Pages(40)] {
        same_as_native(&Guest { initial: 1, step, until: 64 * MIB, batches: &[(2, 600)], maximum: None });
    }
    // The table grows again between moves: its new pages lie above the
    // old ones, which it leaves behind, and only the live table moves.
    for step in [Step::Pages(1), Step::Pages(3)] {
        let batches = &[(2, 600), (5, 1500), (9, 3000), (12, 5000)];
        same_as_native(&Guest { initial: 1, step, until: 16 * MIB, batches, maximum: None });
    }
}

/// A P1 result written through a pointer past the end of the guest's
/// memory traps natively (the memory ends there). Interposed, the
/// adapter's pages lie there: it traps too, instead of writing into them;
/// and where the bytes written end inside the guest's memory, it answers,
/// as natively, however far past the end the buffer was said to reach.
/// The guest's own first page holds the print buffer; each case prints,
/// makes the call, then prints again. The run's first preopen (descriptor
/// 3) holds one symlink, `link` to `target8b`: its listing is ".", ".."
/// and "link", 79 bytes; the environment's strings are 29.
#[test]
fn results_and_output_buffers_past_the_guests_memory_trap_as_natively() {
    let cases = [
        // Straddling the end, and inside the adapter's pages.
        ("(call $clock (i32.const 1) (i64.const 0) (i32.const 65532))", true),
        ("(call $clock (i32.const 1) (i64.const 0) (i32.const 65600))", true),
        ("(call $fdstat (i32.const 1) (i32.const 65520))", true),
        ("(call $args_sizes (i32.const 0) (i32.const 70000))", true),
        // After a growth the guest's memory ends one page higher.
        ("(drop (memory.grow (i32.const 1))) (call $clock (i32.const 1) (i64.const 0) (i32.const 131070))", true),
        // Output buffers: what is written counts, not what the buffer claims.
        ("(call $readdir (i32.const 3) (i32.const 65457) (i32.const 4096) (i64.const 0) (i32.const 0x40))", false),
        ("(call $readdir (i32.const 3) (i32.const 65458) (i32.const 4096) (i64.const 0) (i32.const 0x40))", true),
        ("(call $readlink (i32.const 3) (i32.const 0x30) (i32.const 4) (i32.const 65528) (i32.const 64) (i32.const 0x40))", false),
        ("(call $readlink (i32.const 3) (i32.const 0x30) (i32.const 4) (i32.const 65529) (i32.const 64) (i32.const 0x40))", true),
        ("(call $environ (i32.const 0x40) (i32.const 65507))", false),
        ("(call $environ (i32.const 0x40) (i32.const 65508))", true),
        ("(call $args (i32.const 0x40) (i32.const 65530))", true),
    ];
    // Descriptor 3's name ("/sandbox"), right up to the end, and one byte
    // past it.
    let name = cases::SANDBOX_GUEST_PATH.len();
    let names = [false, true].map(|traps| {
        let at = 65536 - name + usize::from(traps);
        (format!("(call $prestat_dir_name (i32.const 3) (i32.const {at}) (i32.const 64))"), traps)
    });
    for (call, traps) in cases.into_iter().map(|(call, traps)| (call.to_string(), traps)).chain(names) {
        let module = wat::parse_str(format!(
            r#"(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_fdstat_get" (func $fdstat (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func $environ (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_readdir" (func $readdir (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_dir_name" (func $prestat_dir_name (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_readlink" (func $readlink (param i32 i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "before\n")
  (data (i32.const 0x30) "link")
  (func $say (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 7))
    (call $say)
    ;; In bounds, right at the end: answered.
    (drop (call $clock (i32.const 1) (i64.const 0) (i32.const 65528)))
    (call $say)
    (drop {call})
    (call $say)))"#
        ))
        .unwrap();
        let mut spec = cases::spec("interposed");
        spec.sandbox.push(("link".into(), cases::SandboxEntry::Symlink("target8b".into())));
        let expected = native::run(&module, &spec).expect("runs natively");
        let adapter = adapters::ours(ExitMode::WithCode).expect("adapter built by ci/build-adapters.sh");
        let component = component::convert(&module, &adapter.bytes).expect("converts");
        let actual = component::run(&component, &spec).expect("runs as a component");
        if traps {
            // The native host ends the run with its own error ("pointer out
            // of bounds"), which a trap is the adapter's equivalent of.
            assert!(matches!(expected.exit, ExitStatus::HostError(_) | ExitStatus::Trap(_)), "{call}: natively {}", expected.exit);
            assert!(matches!(actual.exit, ExitStatus::Trap(_)), "{call}: interposed {}", actual.exit);
            assert_eq!(String::from_utf8_lossy(&actual.stdout), "before\nbefore\n", "{call}");
        } else {
            assert_eq!(expected.exit, ExitStatus::Code(0), "{call}: natively");
            assert_eq!(actual.exit, ExitStatus::Code(0), "{call}: interposed");
            assert_eq!(String::from_utf8_lossy(&actual.stdout), "before\nbefore\nbefore\n", "{call}");
        }
        assert_eq!(actual.stdout, expected.stdout, "{call}");
    }
}

/// A growth past the declared maximum answers -1, as a real memory does,
/// and the guest can still grow to the maximum exactly.
#[test]
fn growth_stops_at_the_declared_maximum() {
    for (step, maximum) in [(Step::Pages(7), 40), (Step::Double, 64), (Step::Pages(1), 3), (Step::Pages(5), 1)] {
        let outcome =
            same_as_native(&Guest { initial: 1, step, until: u32::MAX, batches: &[], maximum: Some(maximum) });
        let stdout = String::from_utf8_lossy(&outcome.stdout);
        assert!(stdout.contains("r 1\n"), "a growth was refused: {stdout}");
    }
}

/// The rewritten module declares the guest's maximum plus the adapter's
/// pages; the adapter keeps the guest to its own.
#[test]
fn a_declared_maximum_is_raised_by_the_adapters_pages() {
    let module = wat::parse_str(r#"(module (memory (export "memory") 1 40) (func (export "_start") (drop (memory.grow (i32.const 1)))))"#)
        .unwrap();
    let interposed = p1_convert::interpose(&module).unwrap();
    let mut maximum = None;
    for payload in wasmparser::Parser::new(0).parse_all(&interposed.module) {
        if let wasmparser::Payload::MemorySection(reader) = payload.unwrap() {
            maximum = reader.into_iter().next().unwrap().unwrap().maximum;
        }
    }
    assert_eq!(maximum, Some(40 + p1_convert::ADAPTER_PAGES));
    assert_eq!(interposed.hint, wasi_preview1_adapter_provider::placement_hint::interposed(Some(40)));
}

/// The differential suite runs AssemblyScript's `--runtime stub` programs
/// through `p1-convert` (toolchain `asc_stub`) against native; its `heap`
/// program is the one that grows memory past 64 MiB, as measured here on
/// the native host.
#[test]
fn the_stub_runtime_heap_program_grows_past_64_mib() {
    use adapter_tests::programs::{self, Program};
    use adapter_tests::toolchain::Toolchain;
    let module = match programs::build(Toolchain::AscStub, "heap").unwrap() {
        Program::Built(bytes) => bytes,
        Program::Unavailable(u) => panic!("AssemblyScript is required: {}", u.reason),
    };
    let engine = adapter_tests::engine::engine();
    let module = adapter_tests::engine::module(&module).unwrap();
    let mut linker: wasmtime::Linker<wasmtime_wasi::p1::WasiP1Ctx> = wasmtime::Linker::new(engine);
    wasmtime_wasi::p1::add_to_linker_sync(&mut linker, |ctx| ctx).unwrap();
    let mut store = wasmtime::Store::new(engine, wasmtime_wasi::WasiCtx::builder().build_p1());
    store.set_epoch_deadline(adapter_tests::engine::RUN_TIMEOUT_TICKS);
    let instance = linker.instantiate(&mut store, &module).unwrap();
    instance.get_typed_func::<(), ()>(&mut store, "_start").unwrap().call(&mut store, ()).unwrap();
    let bytes = instance.get_memory(&mut store, "memory").unwrap().data_size(&store);
    assert!(bytes >= 64 << 20, "the stub runtime's heap program grew memory to {} MiB only", bytes >> 20);
}
