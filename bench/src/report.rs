//! `docs/benchmarks.md`: machine and versions, the time and fuel tables,
//! instantiation, sizes and how it was all measured.

use crate::format;
use crate::hosts::Way;
use crate::machine::Machine;
use crate::measure::PerWay;
use crate::sizes::Size;
use crate::suite::Measured;
use crate::workloads::Shape;
use std::fmt::Write;
use std::time::Duration;

pub struct Report<'a> {
    pub machine: &'a Machine,
    /// "full" or "quick", with the repetitions.
    pub mode: String,
    pub command: &'a str,
    pub measured: &'a [Measured],
    pub instantiation: Option<PerWay<Option<(Duration, Duration)>>>,
    pub sizes: &'a [Size],
    /// File name of the plot next to the report, when there is one.
    pub plot: Option<&'a str>,
}

/// Table cell of a way that could not run the workload.
const FAILED: &str = "fails";

fn unit(measured: &Measured) -> &'static str {
    match measured.workload.shape {
        Shape::PerCall { .. } => "call",
        Shape::WholeRun => "run",
    }
}

/// Geometric mean of ours relative to `baseline` over the timed workloads,
/// each with our adapter as `p1-convert` converts it (the drop-in variant
/// of a workload is shown apart, not counted twice).
pub fn geometric_mean(measured: &[Measured], baseline: Way) -> Option<f64> {
    let ratios: Vec<f64> = measured
        .iter()
        .filter(|m| m.workload.program.is_p1_convert())
        .filter_map(|m| m.time_ratio(Way::Ours, baseline))
        .collect();
    (!ratios.is_empty())
        .then(|| (ratios.iter().map(|r| r.ln()).sum::<f64>() / ratios.len() as f64).exp())
}

impl Report<'_> {
    pub fn markdown(&self) -> String {
        let mut md = String::new();
        let m = self.machine;
        writeln!(md, "# Benchmarks: our adapter, wasmtime's adapter, wasmtime's native P1 host\n").unwrap();
        writeln!(md, "Written by `{}`.\n", self.command).unwrap();
        writeln!(md, "| | |\n|---|---|").unwrap();
        writeln!(md, "| date | {} |", m.date).unwrap();
        writeln!(md, "| CPU | {} ({} cores, shared with other work) |", m.cpu, m.cores).unwrap();
        writeln!(md, "| rustc | {} |", m.rustc).unwrap();
        writeln!(md, "| wasmtime crate | {} (wasmtime's adapter: wasi-preview1-component-adapter-provider of the same version) |", m.wasmtime).unwrap();
        writeln!(md, "| Go | {} |", m.go).unwrap();
        writeln!(md, "| commit | {} |", m.commit).unwrap();
        writeln!(md, "| run | {} |\n", self.mode).unwrap();
        if self.measured.iter().any(|x| x.time.is_some()) {
            self.time_table(&mut md);
        }
        self.failures(&mut md);
        self.floor_table(&mut md);
        self.fuel_table(&mut md);
        if let Some(instantiation) = self.instantiation {
            self.instantiation_table(&mut md, instantiation);
        }
        self.size_table(&mut md);
        md.push_str(METHOD);
        md
    }

    /// Only the tables of the measured workloads, for the console.
    pub fn tables(&self) -> String {
        let mut md = String::new();
        if self.measured.iter().any(|x| x.time.is_some()) {
            self.time_table(&mut md);
        }
        self.failures(&mut md);
        self.floor_table(&mut md);
        self.fuel_table(&mut md);
        md
    }

    fn failures(&self, md: &mut String) {
        let failures: Vec<_> = self
            .measured
            .iter()
            .flat_map(|x| x.failures.iter().map(move |f| (x.workload.description, f)))
            .collect();
        if failures.is_empty() {
            return;
        }
        writeln!(md, "Workloads an adapter could not run (\"{FAILED}\" above):\n").unwrap();
        for (workload, (way, why)) in failures {
            writeln!(md, "* {workload}, {}: {why}", way.label()).unwrap();
        }
        md.push('\n');
    }

    fn time_table(&self, md: &mut String) {
        writeln!(md, "## Time\n").unwrap();
        if let Some(plot) = self.plot {
            writeln!(md, "![ours / wasmtime's adapter and ours / native, per workload]({plot})\n").unwrap();
        }
        writeln!(md, "| workload | per | native P1 | wasmtime's adapter | ours | ours / wasmtime's adapter | ours / native |").unwrap();
        writeln!(md, "|---|---|--:|--:|--:|--:|--:|").unwrap();
        for x in self.measured {
            let Some(time) = x.time else { continue };
            let cell = |way| time.get(way).map_or(FAILED.to_string(), format::time);
            let ratio = |baseline| x.time_ratio(Way::Ours, baseline).map_or("–".to_string(), format::ratio);
            writeln!(
                md,
                "| {} | {} | {} | {} | {} | {} | {} |",
                x.workload.description,
                unit(x),
                cell(Way::Native),
                cell(Way::WasmtimeAdapter),
                cell(Way::Ours),
                ratio(Way::WasmtimeAdapter),
                ratio(Way::Native),
            )
            .unwrap();
        }
        if let (Some(wasmtime), Some(native)) = (
            geometric_mean(self.measured, Way::WasmtimeAdapter),
            geometric_mean(self.measured, Way::Native),
        ) {
            writeln!(
                md,
                "| **geometric mean** | | | | | **{}** | **{}** |",
                format::ratio(wasmtime),
                format::ratio(native)
            )
            .unwrap();
        }
        md.push('\n');
    }

    /// The per-call workloads against the host's floor (`floor.rs`): what
    /// the P2 calls alone cost, which no adapter can go below.
    fn floor_table(&self, md: &mut String) {
        let rows: Vec<(&Measured, f64, [f64; 3])> = self
            .measured
            .iter()
            .filter_map(|x| {
                let time = x.time?;
                let ways = [time.get(Way::Native)?, time.get(Way::WasmtimeAdapter)?, time.get(Way::Ours)?];
                Some((x, x.floor?, ways))
            })
            .collect();
        if rows.is_empty() {
            return;
        }
        writeln!(md, "## The host's floor\n").unwrap();
        writeln!(md, "A component with no adapter and no P1 guest (`bench/src/floor.wat`) makes each workload's WASI 0.2 calls itself, in a loop, timed in turn with the three ways above. Every P1 adapter has to make those calls (the native host's answer needs them), so none can be faster than the floor on this host, give or take noise; the one exception would be an adapter that kept the arguments and environment from an earlier call, which neither adapter (nor the native host) does. Issue 8's bar for hot calls is 1.15× native.\n").unwrap();
        writeln!(md, "| workload | native P1 | floor | wasmtime's adapter | ours | floor / native | ours / floor | wasmtime's adapter / floor | floor / wasmtime's adapter |").unwrap();
        writeln!(md, "|---|--:|--:|--:|--:|--:|--:|--:|--:|").unwrap();
        for (x, floor, [native, wasmtime, ours]) in &rows {
            writeln!(
                md,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                x.workload.description,
                format::time(*native),
                format::time(*floor),
                format::time(*wasmtime),
                format::time(*ours),
                format::ratio(floor / native),
                format::ratio(ours / floor),
                format::ratio(wasmtime / floor),
                format::ratio(floor / wasmtime),
            )
            .unwrap();
        }
        let mean = |ratio: &dyn Fn(f64, [f64; 3]) -> f64| {
            (rows.iter().map(|(_, floor, ways)| ratio(*floor, *ways).ln()).sum::<f64>() / rows.len() as f64).exp()
        };
        let best = mean(&|floor, [_, wasmtime, _]| floor / wasmtime);
        writeln!(
            md,
            "| **geometric mean** | | | | | **{}** | **{}** | **{}** | **{}** |",
            format::ratio(mean(&|floor, [native, _, _]| floor / native)),
            format::ratio(mean(&|floor, [_, _, ours]| ours / floor)),
            format::ratio(mean(&|floor, [_, wasmtime, _]| wasmtime / floor)),
            format::ratio(best),
        )
        .unwrap();
        writeln!(
            md,
            "\nOver these {} workloads, an adapter that cost nothing beyond the floor would score {} against wasmtime's adapter (geometric mean); ours scores {}.",
            rows.len(),
            format::ratio(best),
            format::ratio(mean(&|_, [_, wasmtime, ours]| ours / wasmtime)),
        )
        .unwrap();
        md.push('\n');
    }

    fn fuel_table(&self, md: &mut String) {
        writeln!(md, "## Wasm instructions (fuel) per call\n").unwrap();
        writeln!(md, "The guest's own instructions (measured natively, where the P1 functions are host code and cost no fuel), and what each adapter adds on top (component minus native). The bar is issue 8's target for our adapter.\n").unwrap();
        writeln!(md, "| workload | per | guest alone | wasmtime's adapter | our adapter | ours / wasmtime's | bar |").unwrap();
        writeln!(md, "|---|---|--:|--:|--:|--:|--:|").unwrap();
        for x in self.measured {
            let ours = x.adapter_fuel(Way::Ours);
            let wasmtime = x.adapter_fuel(Way::WasmtimeAdapter);
            let bar = match (x.workload.fuel_bar, ours) {
                (Some(bar), Some(ours)) if ours <= bar as f64 => format!("≤ {bar} ✓"),
                (Some(bar), _) => format!("≤ {bar} ✗"),
                (None, _) => String::new(),
            };
            let cell = |fuel: Option<f64>| fuel.map_or(FAILED.to_string(), format::fuel);
            let ratio = match (ours, wasmtime) {
                (Some(ours), Some(wasmtime)) => format::ratio(ours / wasmtime),
                _ => "–".to_string(),
            };
            writeln!(
                md,
                "| {} | {} | {} | {} | {} | {} | {} |",
                x.workload.description,
                unit(x),
                cell(x.fuel.get(Way::Native)),
                cell(wasmtime),
                cell(ours),
                ratio,
                bar
            )
            .unwrap();
        }
        md.push('\n');
    }

    fn instantiation_table(&self, md: &mut String, times: PerWay<Option<(Duration, Duration)>>) {
        writeln!(md, "## Instantiation\n").unwrap();
        writeln!(md, "The Rust guest, pre-linked (`InstancePre`), into a fresh store.\n").unwrap();
        writeln!(md, "| | median | fastest |\n|---|--:|--:|").unwrap();
        for way in Way::ALL {
            let Some((median, fastest)) = times.get(way) else { continue };
            writeln!(
                md,
                "| {} | {} | {} |",
                way.label(),
                format::time(median.as_nanos() as f64),
                format::time(fastest.as_nanos() as f64)
            )
            .unwrap();
        }
        if let (Some((ours, _)), Some((wasmtime, _))) = (times.get(Way::Ours), times.get(Way::WasmtimeAdapter)) {
            let ratio = ours.as_secs_f64() / wasmtime.as_secs_f64();
            writeln!(md, "\nOurs / wasmtime's adapter (medians): {}.", format::ratio(ratio)).unwrap();
        }
        md.push('\n');
    }

    fn size_table(&self, md: &mut String) {
        writeln!(md, "## Sizes\n").unwrap();
        writeln!(md, "| flavour | ours (bytes) | wasmtime's (bytes) | bar |\n|---|--:|--:|--:|").unwrap();
        for size in self.sizes {
            let bar = size.bar.map_or(String::new(), |bar| {
                format!("≤ {} {}", format::thousands(bar as i64), if size.meets_bar() { "✓" } else { "✗" })
            });
            writeln!(
                md,
                "| `{}` | {} | {} | {bar} |",
                size.flavour,
                format::thousands(size.ours as i64),
                size.wasmtime.map_or("–".to_string(), |b| format::thousands(b as i64))
            )
            .unwrap();
        }
        md.push('\n');
    }
}

const METHOD: &str = "## Method

* Everything runs in one process on the `wasmtime` crate: the P1 module
  natively (`wasmtime_wasi::p1`), and as a component made with
  `wit-component` from the same module and either adapter, on the P2 host
  (`wasmtime_wasi::p2`), each pre-linked and instantiated into a fresh store
  per run. All three get the same arguments, environment, in-memory
  stdout/stderr and the same preopened directory (`bench/src/sandbox.rs`).
* Our adapter is converted as `p1-convert` converts it: the module's
  `memory.size` and `memory.grow` rewritten into calls of the adapter, the
  adapter told so, its arena placed above the guest's memory and settled
  from the first call (the interposed placement, docs/memory.md). The row
  \"adapter spliced in unchanged\" is the Rust start-up again with the
  adapter as `wasm-tools component new --adapt` splices it (the stock
  placement, whose first call reads memory to tell Go from other
  modules); it is not in the geometric mean (the same workload would
  count twice).
* The Rust workloads are one guest (`bench/programs/rust`) that makes one raw
  P1 call per iteration (two for `path_open` + `fd_close`), declared with
  `#[link(wasm_import_module = \"wasi_snapshot_preview1\")]`, and checks its
  errno. It runs at two iteration counts n1 < n2; time per call is
  (t(n2) − t(n1)) / (n2 − n1), which cancels start-up and set-up.
  Instantiation is never inside t.
* The three ways take turns within each repetition; for each way and count
  the fastest repetition is kept (the one least disturbed by other load on a
  shared machine). Go workloads are whole runs of `bench/programs/go/*`
  (`wasi:cli/run` / `_start` only, fastest repetition).
* The host's floor: `bench/src/floor.wat`, a component with no adapter
  whose exported `run(workload, n)` makes the workload's WASI 0.2 calls n
  times (lowering results into the same memory each time, as an adapter
  reading straight into the guest's buffer would), with the same
  arguments, environment and sandbox, timed at the same two counts in turn
  with the three ways; instantiation is not timed.
* Fuel: the same runs on an engine with `Config::consume_fuel`, one run per
  count (fuel is deterministic for the Rust workloads). Host functions consume
  no fuel, so the native run's fuel is the guest's own work, and a component's
  fuel minus it is what the adapter executes (including `cabi_realloc` calls
  made by the host). wasmtime charges `memory.copy` and `memory.fill` fuel
  per byte moved, so copies show in these figures by their size. For Go
  runs the difference also contains any change in what the Go runtime
  itself does (its scheduler reads clocks), so treat it as approximate.
* The \"stock placement\" rows (fuel only) run the same loop with the adapter
  in the stock `--adapt` flow's placement, in a guest that grew memory once
  after its first P1 call, as any program that allocates does, so that the
  arena settled (before that, every call also checks the tripwire that
  watches for an allocator claiming all memory, about 15 instructions).
  `rust_hello_drop_in` splices the adapter in unchanged.
* CI checks our adapter's fuel for the cheap workloads against
  `bench/fuel-baseline.txt` (`bench/tests/fuel.rs`, +5% tolerance).
";
