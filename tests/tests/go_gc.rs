//! Go components that survive their own garbage collector: 10,000 calls of
//! an import that returns a 64 KiB string, so the host calls the guest's
//! `cabi_realloc` 10,000 times and Go collects inside it (docs/reentrancy.md).
//! The component runtime traps on any import called from there, so every
//! run that completes proves the adapter answered from inside without the
//! host. Go 1.26 (the machine's) and Go 1.24 (the oldest with
//! `//go:wasmexport`), the guest announcing its allocator through the stock
//! flow, and not announcing it but converted with the wrapping step; and,
//! with the machine's Go, both through `p1-convert`'s interposed placement,
//! where the collector's `memory.grow` inside the allocation is a call of
//! the adapter too (it must not call the host either).

use adapter_tests::component::Splice;
use adapter_tests::{component, gc_reactor, reactor};
use wasi_preview1_component_adapter_provider::WASI_SNAPSHOT_PREVIEW1_REACTOR_ADAPTER;

const CALLS: u32 = 10_000;
/// The bar: collections that completed inside the allocator.
const MIN_GC_IN_REALLOC: u64 = 100;
const GO_OLDEST_WASMEXPORT: &str = "go1.24.13";

fn module(program: &str, go: Option<&str>) -> Option<Vec<u8>> {
    match gc_reactor::build(program, go) {
        Ok(module) => Some(module),
        Err(e) if go.is_some() => {
            eprintln!("SKIPPED: {program} with {}: {e:#}", go.unwrap());
            None
        }
        Err(e) => panic!("building {program}: {e:#}"),
    }
}

fn check(program: &str, go: Option<&str>, wrap: bool) {
    check_with(program, go, wrap, Splice::Stock)
}

fn check_with(program: &str, go: Option<&str>, wrap: bool, splice: Splice) {
    let Some(module) = module(program, go) else { return };
    // What p1-convert would tell the adapter (docs/memory.md).
    assert_eq!(p1_convert::recognise(&module).unwrap(), Some(p1_convert::Recognised::Go));
    let mut module = gc_reactor::with_world(&module).unwrap();
    if wrap {
        module = p1_convert::wrap_realloc(&module).unwrap().expect("the guest exports cabi_realloc");
    }
    let bytes = splice.make(&module, &reactor::our_adapter().unwrap()).unwrap();
    let outcome = gc_reactor::run(&bytes, CALLS, &[("GODEBUG", "gctrace=1")]).unwrap();
    assert_eq!(outcome.bad, 0, "payloads came back wrong");
    assert!(
        outcome.gc_in_realloc >= MIN_GC_IN_REALLOC,
        "only {} collections completed inside cabi_realloc",
        outcome.gc_in_realloc
    );
    // gctrace lines written inside the allocation reach stderr, in order.
    let traces = outcome.stderr.lines().filter(|l| l.starts_with("gc ")).count();
    assert!(
        traces as u64 >= outcome.gc_in_realloc,
        "{traces} gctrace lines for {} collections inside the allocator:\n{}",
        outcome.gc_in_realloc,
        outcome.stderr
    );
    assert!(!outcome.stderr.contains("did not fit"), "{}", outcome.stderr);

    // Comparison column: wasmtime's reactor adapter.
    let theirs = component::encode(&module, WASI_SNAPSHOT_PREVIEW1_REACTOR_ADAPTER)
        .and_then(|bytes| gc_reactor::run(&bytes, CALLS, &[("GODEBUG", "gctrace=1")]));
    let verdict = match theirs {
        Ok(o) if o.bad == 0 => format!("ok ({} collections inside)", o.gc_in_realloc),
        Ok(o) => format!("{} bad payloads", o.bad),
        Err(e) => format!("fails: {}", format!("{e:#}").lines().next().unwrap_or_default()),
    };
    eprintln!(
        "go-gc {program:<9} {:<10} wrap={wrap:<5} {:<10} ours ok ({} collections inside)    wasmtime-adapter {verdict}",
        go.unwrap_or("local"),
        splice.name(),
        outcome.gc_in_realloc
    );
}

#[test]
fn announced_go_current() {
    check("announced", None, false);
}

#[test]
fn announced_go_1_24() {
    check("announced", Some(GO_OLDEST_WASMEXPORT), false);
}

#[test]
fn unannounced_wrapped_go_current() {
    check("quiet", None, true);
}

#[test]
fn unannounced_wrapped_go_1_24() {
    check("quiet", Some(GO_OLDEST_WASMEXPORT), true);
}

#[test]
fn announced_go_current_converted() {
    check_with("announced", None, false, Splice::Converted);
}

#[test]
fn unannounced_wrapped_go_current_converted() {
    check_with("quiet", None, true, Splice::Converted);
}

/// Without announcing and without the wrapper, the collector's first host
/// call traps: the adapter cannot know it is inside the host's allocation.
#[test]
fn unannounced_unwrapped_traps() {
    let Some(module) = module("quiet", None) else { return };
    let module = gc_reactor::with_world(&module).unwrap();
    let bytes = component::encode(&module, &reactor::our_adapter().unwrap()).unwrap();
    let err = gc_reactor::run(&bytes, CALLS, &[]).err().expect("a host call inside the allocation traps");
    assert!(format!("{err:#}").contains("cannot leave component instance"), "{err:#}");
}
