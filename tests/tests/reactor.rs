//! Go `//go:wasmexport` reactors (Go >= 1.24, `-buildmode=c-shared`): the
//! host calls `grow` until the Go heap is past 1 GiB, with collections and
//! `crypto/rand` in between, then `checksum`, which reads everything back.
//! Native P1 and the component made with our reactor adapter (spliced in
//! unchanged, and as `p1-convert` converts) must agree on every result and
//! on stdout/stderr; wasmtime's reactor adapter is only reported.

use adapter_tests::component::{self, Splice};
use adapter_tests::reactor::{self, Call};
use wasi_preview1_component_adapter_provider::WASI_SNAPSHOT_PREVIEW1_REACTOR_ADAPTER;

fn script() -> Vec<Call> {
    let mut calls = vec![Call::Grow(64); 17]; // 1088 MiB
    calls.push(Call::Checksum);
    calls
}

fn check(case: &str) {
    let module = reactor::build(case).unwrap();
    let script = script();
    let native = reactor::run_native(&module, &script).unwrap();
    assert_eq!(native.trap, None, "native run trapped");
    assert_eq!(native.results.len(), script.len());
    assert!(native.results[16] >= 1024, "native heap did not reach 1 GiB: {:?}", native.results);

    let with_world = reactor::with_world(&module).unwrap();
    for splice in Splice::ALL {
        let ours = splice.make(&with_world, &reactor::our_adapter().unwrap()).unwrap();
        let adapted = reactor::run_component(&ours, &script).unwrap();
        let placement = splice.name();
        assert_eq!(adapted.trap, None, "adapted run ({placement}) trapped; stderr: {}", String::from_utf8_lossy(&adapted.stderr));
        assert_eq!(adapted.results, native.results, "{placement}");
        assert_eq!(String::from_utf8_lossy(&adapted.stdout), String::from_utf8_lossy(&native.stdout), "{placement}");
        assert_eq!(String::from_utf8_lossy(&adapted.stderr), String::from_utf8_lossy(&native.stderr), "{placement}");
    }

    // Comparison column only.
    let theirs = component::encode(&with_world, WASI_SNAPSHOT_PREVIEW1_REACTOR_ADAPTER)
        .and_then(|bytes| reactor::run_component(&bytes, &script));
    let verdict = match theirs {
        Ok(outcome) if outcome == native => "ok".to_string(),
        Ok(outcome) => format!(
            "differs ({} of {} calls{})",
            outcome.results.len(),
            script.len(),
            outcome.trap.map(|t| format!(", trap: {}", t.lines().next().unwrap_or(""))).unwrap_or_default()
        ),
        Err(e) => format!("failed: {e}"),
    };
    eprintln!("reactor {case:<14} ours ok (stock and p1-convert)    wasmtime-adapter {verdict}");
}

#[test]
fn go_reactor_heap() {
    check("heap");
}

#[test]
fn go_reactor_heap_with_cabi_realloc() {
    check("heap_realloc");
}
