//! CI check: our adapter's wasm instructions per call or run (fuel, exact) for the
//! cheap workloads must stay within `TOLERANCE` of `bench/fuel-baseline.txt`,
//! and at or below issue 8's bar where the workload has one (the tolerance
//! alone would let a call that just meets its bar creep past it).
//! Needs the adapters built (ci/build-adapters.sh) like the other tests.

use adapter_bench::baseline::{self, Verdict, TOLERANCE};
use adapter_bench::format;
use adapter_bench::hosts::Way;
use adapter_bench::suite;
use std::io::Write;

#[test]
fn adapter_fuel_per_call_stays_within_the_baseline() {
    let baseline = baseline::read().expect("reading the fuel baseline");
    let measured = suite::ci_fuel().expect("measuring fuel");

    let mut report = String::from("workload                    ours/call  baseline  issue bar\n");
    let mut crept = Vec::new();
    let mut dropped = Vec::new();
    let mut missing = Vec::new();
    let mut over_bar = Vec::new();
    for m in &measured {
        let name = m.workload.name;
        let ours = m
            .adapter_fuel(Way::Ours)
            .unwrap_or_else(|| panic!("our adapter failed {name}: {:?}", m.failures));
        let bar = m.workload.fuel_bar.map_or(String::new(), |b| format!("≤ {b}"));
        if let Some(limit) = m.workload.fuel_bar {
            if ours > limit as f64 {
                over_bar.push(format!("{name}: {} wasm instructions per call, bar {limit}", format::fuel(ours)));
            }
        }
        let Some(&(_, expected)) = baseline.iter().find(|(n, _)| n == name) else {
            missing.push(name);
            continue;
        };
        report.push_str(&format!(
            "{name:<27} {:>9} {:>9}  {bar}\n",
            format::fuel(ours),
            format::fuel(expected)
        ));
        match baseline::judge(ours, expected) {
            Verdict::Within => {}
            Verdict::Crept { limit } => crept.push(format!(
                "{name}: {} wasm instructions per call, baseline {} (limit {} at +{:.0}%)",
                format::fuel(ours),
                format::fuel(expected),
                format::fuel(limit),
                TOLERANCE * 100.0
            )),
            Verdict::Dropped => dropped.push(format!(
                "{name}: {} per call, baseline {}",
                format::fuel(ours),
                format::fuel(expected)
            )),
        }
    }
    // Written past the test harness's capture, so it shows on success too.
    let mut stderr = std::io::stderr();
    let _ = write!(stderr, "\n{report}");
    if !dropped.is_empty() {
        let _ = writeln!(
            stderr,
            "HINT: our adapter got cheaper; lower bench/fuel-baseline.txt \
             (cargo run --release -p adapter-bench -- --write-baseline) to keep the check tight:\n  {}",
            dropped.join("\n  ")
        );
    }
    let stale: Vec<&str> = baseline
        .iter()
        .map(|(n, _)| n.as_str())
        .filter(|n| !measured.iter().any(|m| m.workload.name == *n))
        .collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "bench/fuel-baseline.txt does not match the CI workloads (missing: {missing:?}, unknown: {stale:?}); \
         rewrite it with: cargo run --release -p adapter-bench -- --write-baseline"
    );
    assert!(
        over_bar.is_empty(),
        "our adapter's fuel per call is above issue 8's bar:\n  {}",
        over_bar.join("\n  ")
    );
    assert!(
        crept.is_empty(),
        "our adapter's fuel per call crept above bench/fuel-baseline.txt:\n  {}\n\
         Find what added work to these calls, or, if the extra cost is deliberate, \
         rewrite the baseline (cargo run --release -p adapter-bench -- --write-baseline) \
         and say why in the commit.",
        crept.join("\n  ")
    );
}
