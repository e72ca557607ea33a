//! `verify <command|reactor|proxy> <path.wasm> [--exit-with-code]`
//!
//! Prints a one-line summary and exits 0 when the adapter passes; otherwise
//! prints every violation and exits 1. Usage errors exit 2.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use verify::{Build, Flavour, VerifyError};

const USAGE: &str = "usage: verify <command|reactor|proxy> <path.wasm> [--exit-with-code]";

fn main() -> ExitCode {
    let (build, path) = match parse_args(std::env::args().skip(1)) {
        Ok(parsed) => parsed,
        Err(error) => {
            eprintln!("verify: {error:#}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let wasm = match std::fs::read(&path) {
        Ok(wasm) => wasm,
        Err(error) => {
            eprintln!("verify: cannot read {}: {error}", path.display());
            return ExitCode::FAILURE;
        }
    };
    match verify::check(&wasm, build) {
        Ok(summary) => {
            println!("{}: {summary}", path.display());
            ExitCode::SUCCESS
        }
        Err(VerifyError::Violations(violations)) => {
            for violation in &violations {
                eprintln!("{}: {violation}", path.display());
            }
            eprintln!(
                "{}: {} violation(s), {} bytes",
                path.display(),
                violations.len(),
                wasm.len()
            );
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("{}: {error}", path.display());
            ExitCode::FAILURE
        }
    }
}

fn parse_args(args: impl Iterator<Item = String>) -> Result<(Build, PathBuf)> {
    let mut exit_with_code = false;
    let mut positional = Vec::new();
    for arg in args {
        match arg.as_str() {
            "--exit-with-code" => exit_with_code = true,
            flag if flag.starts_with("--") => bail!("unknown option `{flag}`"),
            _ => positional.push(arg),
        }
    }
    let [flavour, path] = <[String; 2]>::try_from(positional)
        .map_err(|got| anyhow::anyhow!("expected 2 arguments, got {}", got.len()))?;
    let flavour: Flavour = flavour.parse().context("first argument")?;
    let build = Build {
        flavour,
        exit_with_code,
    };
    Ok((build, PathBuf::from(path)))
}
