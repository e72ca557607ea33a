//! Divergences of many seeds, grouped by class (the first differing call
//! and both answers), with example seeds.

use super::{Mode, SeedResult};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Example seeds kept per class.
const KEPT_EXAMPLES: usize = 5;

#[derive(Default)]
pub struct Summary {
    /// Per mode: seeds run, seeds where our adapter differs, seeds where
    /// wasmtime's adapter differs (when it ran).
    per_mode: BTreeMap<Mode, (usize, usize, usize)>,
    classes: BTreeMap<String, Class>,
    /// Classes seen only after a seed's first difference: seeds, example.
    later: BTreeMap<String, (usize, (Mode, u64))>,
    /// Seeds that could not be run at all (harness errors).
    errors: Vec<(Mode, u64, String)>,
}

struct Class {
    count: usize,
    examples: Vec<(Mode, u64)>,
    /// The first example's explanation.
    detail: String,
}

impl Summary {
    pub fn add(&mut self, result: &SeedResult) {
        let counts = self.per_mode.entry(result.mode).or_default();
        counts.0 += 1;
        if result.wasmtime.is_some() {
            counts.2 += 1;
        }
        let Some(d) = &result.ours else { return };
        counts.1 += 1;
        let class = self.classes.entry(d.class.clone()).or_insert_with(|| Class {
            count: 0,
            examples: Vec::new(),
            detail: d.detail.clone(),
        });
        class.count += 1;
        if class.examples.len() < KEPT_EXAMPLES {
            class.examples.push((result.mode, result.seed));
        }
        for later in &d.later {
            let entry = self
                .later
                .entry(later.clone())
                .or_insert((0, (result.mode, result.seed)));
            entry.0 += 1;
        }
    }

    pub fn error(&mut self, mode: Mode, seed: u64, message: String) {
        self.errors.push((mode, seed, message));
    }

    pub fn is_clean(&self) -> bool {
        self.classes.is_empty() && self.errors.is_empty()
    }

    /// Text report: totals per mode, then every class with its count,
    /// example seeds and the first example's context.
    pub fn render(&self, with_wasmtime: bool) -> String {
        let mut out = String::new();
        for (mode, (runs, ours, wasmtime)) in &self.per_mode {
            let _ = write!(out, "{mode:<9}: {runs} seeds, {ours} differ from native");
            if with_wasmtime {
                let _ = write!(out, " (wasmtime's adapter: {wasmtime})");
            }
            out.push('\n');
        }
        for (mode, seed, message) in &self.errors {
            let _ = writeln!(out, "ERROR {mode} seed {seed}: {message}");
        }
        let mut classes: Vec<_> = self.classes.iter().collect();
        classes.sort_by(|a, b| b.1.count.cmp(&a.1.count).then(a.0.cmp(b.0)));
        for (name, class) in classes {
            let seeds: Vec<String> = class
                .examples
                .iter()
                .map(|(m, s)| format!("{m} {s}"))
                .collect();
            let _ = writeln!(
                out,
                "\n== {name}  [{} seeds; e.g. {}]",
                class.count,
                seeds.join(", ")
            );
            out.push_str(&class.detail);
        }
        let unseen: Vec<_> = self
            .later
            .iter()
            .filter(|(name, _)| !self.classes.contains_key(*name))
            .collect();
        if !unseen.is_empty() {
            out.push_str("\nOnly after an earlier difference in the same seed (maybe consequences):\n");
            for (name, (count, (mode, seed))) in unseen {
                let _ = writeln!(out, "  {name}  [{count}x; e.g. {mode} {seed}]");
            }
        }
        out
    }
}
