//! `p1-fuzz [--mode single|multi|malformed|all] [--seeds A..B | --seeds N]
//!          [--threads N] [--adapter PATH] [--placement stock|p1-convert]
//!          [--wasmtime] [--steps N]
//!          [--save DIR] [--verbose] [--avoid poll-zero-clock,sock-send-flags]`
//!
//! Runs the P1 call fuzzer (`adapter_tests::fuzz`) on every seed in the
//! range, natively and through our command adapter (by default
//! `target/adapters/wasi_snapshot_preview1.command.wasm`, spliced in
//! unchanged; `--placement p1-convert` converts as `p1-convert` does), in
//! parallel, and
//! prints the divergences grouped by the first differing call, with example
//! seeds. `--wasmtime` also runs wasmtime's adapter (counted, never
//! judged). What both runs printed for each divergent seed is saved in
//! `--save` (default `target/p1-fuzz/`). `--avoid` keeps the guest from
//! provoking known divergences, to find what hides behind them. Exits with
//! 1 if anything differs.

use adapter_tests::component::Splice;
use adapter_tests::fuzz::summary::Summary;
use adapter_tests::fuzz::{Fuzzer, Mode};
use anyhow::{bail, Context, Result};
use std::ops::Range;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

struct Options {
    modes: Vec<Mode>,
    seeds: Range<u64>,
    threads: usize,
    adapter: Option<PathBuf>,
    placement: Splice,
    wasmtime: bool,
    steps: Option<u32>,
    avoid: Option<String>,
    save: PathBuf,
    verbose: bool,
}

fn parse_seeds(s: &str) -> Result<Range<u64>> {
    if let Some((a, b)) = s.split_once("..") {
        Ok(a.parse()?..b.parse()?)
    } else {
        let n: u64 = s.parse()?;
        Ok(n..n + 1)
    }
}

fn parse_args() -> Result<Options> {
    let mut options = Options {
        modes: Mode::ALL.to_vec(),
        seeds: 0..100,
        threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
        adapter: None,
        placement: Splice::Stock,
        wasmtime: false,
        steps: None,
        avoid: None,
        save: adapter_tests::paths::target_dir().join("p1-fuzz"),
        verbose: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--mode" => {
                let v = value()?;
                options.modes = if v == "all" {
                    Mode::ALL.to_vec()
                } else {
                    vec![Mode::parse(&v).with_context(|| format!("unknown mode {v}"))?]
                };
            }
            "--seeds" => options.seeds = parse_seeds(&value()?).context("--seeds A..B or N")?,
            "--threads" => options.threads = value()?.parse()?,
            "--adapter" => options.adapter = Some(PathBuf::from(value()?)),
            "--placement" => {
                let v = value()?;
                options.placement = Splice::parse(&v).with_context(|| format!("--placement stock or p1-convert, not {v}"))?;
            }
            "--wasmtime" => options.wasmtime = true,
            "--steps" => options.steps = Some(value()?.parse()?),
            "--avoid" => options.avoid = Some(value()?),
            "--save" => options.save = PathBuf::from(value()?),
            "--verbose" => options.verbose = true,
            other => bail!("unknown argument {other} (see the comment at the top of p1-fuzz.rs)"),
        }
    }
    Ok(options)
}

fn main() -> Result<()> {
    let options = parse_args()?;
    let mut fuzzer = Fuzzer::new(options.adapter.as_deref(), options.placement, options.wasmtime)?;
    fuzzer.steps = options.steps;
    fuzzer.avoid = options.avoid.clone();

    let work: Vec<(Mode, u64)> = options
        .modes
        .iter()
        .flat_map(|&m| options.seeds.clone().map(move |s| (m, s)))
        .collect();
    let next = AtomicUsize::new(0);
    let summary = Mutex::new(Summary::default());
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..options.threads.max(1) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(&(mode, seed)) = work.get(i) else { break };
                let result = fuzzer.run(mode, seed);
                let mut summary = summary.lock().unwrap();
                match result {
                    Ok(result) => {
                        if let Some(d) = &result.ours {
                            if options.verbose {
                                eprintln!("--- {mode} seed {seed}: {}\n{}", d.class, d.detail);
                            }
                            if let Err(e) = result.save(&options.save) {
                                eprintln!("saving outputs of {mode} {seed}: {e:?}");
                            }
                        }
                        summary.add(&result);
                    }
                    Err(e) => summary.error(mode, seed, format!("{e:?}")),
                }
                if (i + 1) % 200 == 0 {
                    eprintln!("{} / {} seeds, {:.0?}", i + 1, work.len(), started.elapsed());
                }
            });
        }
    });
    let summary = summary.into_inner().unwrap();
    println!("{}", summary.render(options.wasmtime));
    println!(
        "{} runs in {:.1?} ({} threads); outputs of divergent seeds in {}",
        work.len(),
        started.elapsed(),
        options.threads,
        options.save.display()
    );
    if !summary.is_clean() {
        std::process::exit(1);
    }
    Ok(())
}
