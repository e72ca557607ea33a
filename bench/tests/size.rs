//! CI check: every adapter flavour with a size bar (the command flavour in
//! at most `sizes::COMMAND_SIZE_BAR` bytes) stays within it. Needs the adapters
//! built (ci/build-adapters.sh) like the other tests.

use adapter_bench::sizes;

#[test]
fn adapter_sizes_stay_within_their_bars() {
    let sizes = sizes::adapter_sizes().expect("reading the adapters' sizes");
    let barred: Vec<_> = sizes.iter().filter(|s| s.bar.is_some()).collect();
    assert!(!barred.is_empty(), "no adapter with a size bar found: are the adapters built?");
    let over: Vec<String> = barred
        .iter()
        .filter(|s| !s.meets_bar())
        .map(|s| format!("{}: {} bytes, bar {}", s.flavour, s.ours, s.bar.unwrap_or_default()))
        .collect();
    assert!(
        over.is_empty(),
        "adapters above their size bar:\n  {}\nFind what grew (`wasm-tools objdump` gives the sections), or make room elsewhere.",
        over.join("\n  ")
    );
}
