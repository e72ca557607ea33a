//! Turning runs into numbers: time per call from the fastest runs at two
//! iteration counts, fuel per call from one run at each (fuel is exact), and
//! instantiation time. Each function measures the ways it is given and
//! leaves the others out (`None`).

use crate::hosts::{Invocation, Prepared, Way};
use anyhow::Result;
use std::time::Duration;

/// One value for each way, in `Way::ALL` order.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PerWay<T>(pub [T; 3]);

impl<T: Copy> PerWay<T> {
    pub fn get(&self, way: Way) -> T {
        self.0[index(way)]
    }
}

pub fn index(way: Way) -> usize {
    Way::ALL.iter().position(|w| *w == way).unwrap()
}

/// The ways to measure, each prepared for the engine in use.
pub type Ways<'a> = [(Way, &'a Prepared)];

fn collect(values: impl IntoIterator<Item = (Way, f64)>) -> PerWay<Option<f64>> {
    let mut out = PerWay([None; 3]);
    for (way, value) in values {
        out.0[index(way)] = Some(value);
    }
    out
}

/// A run of something that is not one of the three ways (the host's floor,
/// `floor.rs`) at `n` iterations: how long it took.
pub type Extra<'a> = &'a dyn Fn(u64) -> Result<Duration>;

/// Nanoseconds per call: the ways (and `extra`, if any) take turns within
/// every repetition, so a burst of load on the machine hits all of them,
/// and for each and each count the fastest run is kept, the one least
/// disturbed by other work.
pub fn time_per_call(
    ways: &Ways,
    invocation: &dyn Fn(u64) -> Invocation,
    (n1, n2): (u64, u64),
    repetitions: usize,
    extra: Option<Extra>,
) -> Result<(PerWay<Option<f64>>, Option<f64>)> {
    let mut fastest = vec![[Duration::MAX; 2]; ways.len()];
    let mut extra_fastest = [Duration::MAX; 2];
    for (_, prepared) in ways {
        // Warm-up: page cache, lazily initialised host state.
        prepared.run(&invocation(n1))?;
    }
    if let Some(extra) = extra {
        extra(n1)?;
    }
    for _ in 0..repetitions {
        for (best, (_, prepared)) in fastest.iter_mut().zip(ways) {
            for (slot, n) in [n1, n2].into_iter().enumerate() {
                best[slot] = best[slot].min(prepared.run(&invocation(n))?.run);
            }
        }
        if let Some(extra) = extra {
            for (slot, n) in [n1, n2].into_iter().enumerate() {
                extra_fastest[slot] = extra_fastest[slot].min(extra(n)?);
            }
        }
    }
    let per_call = |[t1, t2]: [Duration; 2]| (t2.as_nanos() as f64 - t1.as_nanos() as f64) / (n2 - n1) as f64;
    let ways = collect(ways.iter().zip(fastest).map(|((way, _), t)| (*way, per_call(t))));
    Ok((ways, extra.map(|_| per_call(extra_fastest))))
}

/// Nanoseconds of the fastest of `repetitions` runs.
pub fn time_per_run(
    ways: &Ways,
    invocation: &Invocation,
    repetitions: usize,
) -> Result<PerWay<Option<f64>>> {
    let mut fastest = vec![Duration::MAX; ways.len()];
    for (_, prepared) in ways {
        prepared.run(invocation)?;
    }
    for _ in 0..repetitions {
        for (best, (_, prepared)) in fastest.iter_mut().zip(ways) {
            *best = (*best).min(prepared.run(invocation)?.run);
        }
    }
    Ok(collect(ways.iter().zip(fastest).map(|((way, _), t)| (*way, t.as_nanos() as f64))))
}

/// Wasm instructions (fuel) per call of one way, from one run at each count
/// on an engine that meters fuel. Host functions consume none, so the native
/// figure is the guest's own loop, and a component's figure minus the native
/// one is what its adapter executes.
pub fn fuel_per_call(
    prepared: &Prepared,
    invocation: &dyn Fn(u64) -> Invocation,
    (n1, n2): (u64, u64),
) -> Result<f64> {
    let (f1, f2) = (fuel_per_run(prepared, &invocation(n1))?, fuel_per_run(prepared, &invocation(n2))?);
    Ok((f2 - f1) / (n2 - n1) as f64)
}

/// Fuel of one whole run of one way.
pub fn fuel_per_run(prepared: &Prepared, invocation: &Invocation) -> Result<f64> {
    Ok(prepared.run(invocation)?.fuel.expect("a fuel-metering engine") as f64)
}

/// Instantiation time (pre-linked, fresh store): the median and the fastest
/// of `repetitions` for each way.
pub fn instantiation(
    ways: &Ways,
    invocation: &Invocation,
    repetitions: usize,
) -> Result<PerWay<Option<(Duration, Duration)>>> {
    let mut samples = vec![Vec::new(); ways.len()];
    for _ in 0..repetitions {
        for (times, (_, prepared)) in samples.iter_mut().zip(ways) {
            times.push(prepared.run(invocation)?.instantiate);
        }
    }
    let mut out = PerWay([None; 3]);
    for ((way, _), mut times) in ways.iter().zip(samples) {
        times.sort();
        out.0[index(*way)] = Some((times[times.len() / 2], times[0]));
    }
    Ok(out)
}
