//! The committed fuel baseline (`bench/fuel-baseline.txt`): our adapter's
//! wasm instructions per call for the cheap workloads, which CI checks so
//! that the cost cannot creep back up unnoticed.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

/// How far above its baseline a workload may go before CI fails.
pub const TOLERANCE: f64 = 0.05;
/// Below this share of its baseline, a workload got cheaper enough that the
/// baseline should be lowered to keep the check tight.
pub const LOWER_HINT_BELOW: f64 = 0.90;

pub fn path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fuel-baseline.txt")
}

/// `(workload, fuel per call)` pairs; `#` starts a comment.
pub fn parse(text: &str) -> Result<Vec<(String, f64)>> {
    let mut entries = Vec::new();
    for (number, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let mut fields = line.split_whitespace();
        let (Some(name), Some(value), None) = (fields.next(), fields.next(), fields.next()) else {
            bail!("line {}: expected `workload value`, found {line:?}", number + 1);
        };
        let value: f64 = value
            .parse()
            .with_context(|| format!("line {}: {value:?} is not a number", number + 1))?;
        entries.push((name.to_string(), value));
    }
    Ok(entries)
}

pub fn read() -> Result<Vec<(String, f64)>> {
    let path = path();
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    parse(&text).with_context(|| format!("in {}", path.display()))
}

/// The file's text for measured `(workload, fuel)` pairs.
pub fn render(entries: &[(String, f64)]) -> String {
    let mut text = String::from(
        "# Our command adapter's wasm instructions (fuel) per call (per run for\n\
         # rust_hello, start-up included), adapted minus native, for the workloads\n\
         # CI checks (bench/tests/fuel.rs; tolerance +5%).\n\
         # Rewrite with: cargo run --release -p adapter-bench -- --write-baseline\n",
    );
    for (name, value) in entries {
        text.push_str(&format!("{name} {value:.1}\n"));
    }
    text
}

#[derive(Debug, PartialEq)]
pub enum Verdict {
    Within,
    /// More than `TOLERANCE` above the baseline.
    Crept { limit: f64 },
    /// Far enough below the baseline that it should be lowered.
    Dropped,
}

pub fn judge(measured: f64, baseline: f64) -> Verdict {
    let limit = baseline * (1.0 + TOLERANCE);
    if measured > limit {
        Verdict::Crept { limit }
    } else if measured < baseline * LOWER_HINT_BELOW {
        Verdict::Dropped
    } else {
        Verdict::Within
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_comments_and_values() {
        let parsed = parse("# header\nclock 422.5 # note\n\nread 497\n").unwrap();
        assert_eq!(parsed, vec![("clock".into(), 422.5), ("read".into(), 497.0)]);
        assert!(parse("clock\n").is_err());
        assert!(parse("clock many\n").is_err());
    }

    #[test]
    fn judges_against_the_tolerance() {
        assert_eq!(judge(105.0, 100.0), Verdict::Within);
        assert!(matches!(judge(105.1, 100.0), Verdict::Crept { .. }));
        assert_eq!(judge(89.0, 100.0), Verdict::Dropped);
        assert_eq!(judge(90.0, 100.0), Verdict::Within);
    }
}
