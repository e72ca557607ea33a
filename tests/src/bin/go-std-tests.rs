//! `go-std-tests [--go 1.26|1.23|all] [--placement stock|p1-convert|both]
//! [--native-runs N] [--timeout SECS] [--long] [PKG...]`: runs Go
//! standard-library package tests natively on wasmtime's P1 host and
//! through our command adapter (both placements by default) on its P2 host
//! (see `adapter_tests::gostd`), then prints a table of per-package verdict
//! counts and the tests whose verdict differs, followed by excerpts of what
//! those tests printed on each side. Exits 1 if any package differs.

use adapter_tests::component::Splice;
use adapter_tests::gostd::{self, Options, Outcome, PackageReport};
use adapter_tests::toolchain::Toolchain;
use anyhow::{bail, Result};
use std::io::Write;
use std::time::Duration;

fn main() -> Result<()> {
    let mut releases = vec![Toolchain::Go, Toolchain::GoOld];
    let mut splices = Splice::ALL.to_vec();
    let mut options = Options::default();
    let mut packages: Vec<String> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--go" => {
                releases = match args.next().as_deref() {
                    Some("1.26") | Some("new") => vec![Toolchain::Go],
                    Some("1.23") | Some("old") => vec![Toolchain::GoOld],
                    Some("all") => vec![Toolchain::Go, Toolchain::GoOld],
                    other => bail!("--go takes 1.26, 1.23 or all, not {other:?}"),
                }
            }
            "--native-runs" => {
                options.native_runs = match args.next().and_then(|n| n.parse().ok()) {
                    Some(n) if n >= 1 => n,
                    _ => bail!("--native-runs takes a number >= 1"),
                }
            }
            "--timeout" => {
                let Some(secs) = args.next().and_then(|n| n.parse().ok()) else {
                    bail!("--timeout takes seconds");
                };
                options.timeout = Duration::from_secs(secs);
            }
            "--long" => options.short = false,
            "--placement" => {
                splices = match args.next().as_deref() {
                    Some("both") => Splice::ALL.to_vec(),
                    Some(name) if Splice::parse(name).is_some() => vec![Splice::parse(name).unwrap()],
                    other => bail!("--placement takes stock, p1-convert or both, not {other:?}"),
                }
            }
            "-h" | "--help" => {
                println!(
                    "usage: go-std-tests [--go 1.26|1.23|all] [--placement stock|p1-convert|both] [--native-runs N] [--timeout SECS] [--long] [PKG...]\n\
                     default packages: {}",
                    gostd::PACKAGES.join(" ")
                );
                return Ok(());
            }
            flag if flag.starts_with('-') => bail!("unknown flag {flag} (see --help)"),
            pkg => packages.push(pkg.to_string()),
        }
    }
    if packages.is_empty() {
        packages = gostd::PACKAGES.iter().map(|p| p.to_string()).collect();
    }

    let progress = |line: &str| {
        let _ = writeln!(std::io::stderr(), "[go-std-tests] {line}");
    };
    let adapter = gostd::our_adapter()?;
    let adapter_line = format!(
        "adapter: {} (sha256 {}...)",
        adapter_tests::adapters::our_command_adapter_path(adapter.exit_mode).display(),
        gostd::fingerprint(&adapter)
    );
    progress(&adapter_line);
    let mut reports: Vec<PackageReport> = Vec::new();
    let mut problems: Vec<String> = Vec::new();
    for go in &releases {
        for (pkg, splice) in packages.iter().flat_map(|pkg| splices.iter().map(move |s| (pkg, *s))) {
            let options = Options { splice, ..options.clone() };
            match gostd::check(*go, pkg, &adapter, &options, &progress) {
                Ok(Outcome::Checked(report)) => {
                    progress(&report.row());
                    reports.push(*report);
                }
                Ok(Outcome::Skipped(reason)) => {
                    problems.push(format!("{pkg} ({}): SKIPPED, {reason}", go.id()))
                }
                Err(e) => problems.push(format!("{pkg} ({}): ERROR {e:#}", go.label())),
            }
        }
    }

    println!("{adapter_line}");
    println!("{}", gostd::table_header());
    for report in &reports {
        println!("{}", report.row());
    }
    // Build + compile time, and the guest descriptors held at once
    // (approximately: sampled host descriptors), against the adapter's
    // descriptor table.
    for report in &reports {
        let during = |run: &gostd::Run| run.peak_during.clone().unwrap_or_else(|| "-".into());
        println!(
            "{:<24} {:<11} prepared in {:.0}s; peak open descriptors: native {} (in {}), adapted {} (in {})",
            report.package,
            report.go,
            report.prepare_time.as_secs_f64(),
            report.native[0].peak_host_fds,
            during(&report.native[0]),
            report.adapted.peak_host_fds,
            during(&report.adapted)
        );
    }
    for problem in &problems {
        println!("{problem}");
    }
    for report in &reports {
        let details = report.details();
        if !details.is_empty() {
            println!("\n{details}");
        }
    }
    println!(
        "\nlogs: {}",
        gostd::outputs_dir("<go>", "<pkg>").display()
    );
    let failed = reports.iter().any(|r| !r.passed()) || !problems.is_empty();
    std::process::exit(i32::from(failed));
}
