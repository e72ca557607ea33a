//! What the numbers were measured on: the machine, the toolchains, and the
//! state of the adapter's sources.

use adapter_tests::toolchain::Toolchain;
use std::process::Command;

pub struct Machine {
    pub cpu: String,
    pub cores: usize,
    pub rustc: String,
    pub wasmtime: String,
    pub go: String,
    pub date: String,
    pub commit: String,
}

impl Machine {
    pub fn describe() -> Machine {
        Machine {
            cpu: cpu_model().unwrap_or_else(|| "unknown".into()),
            cores: std::thread::available_parallelism().map_or(0, |n| n.get()),
            rustc: first_line(Command::new("rustc").arg("--version")),
            wasmtime: locked_version("wasmtime").unwrap_or_else(|| "unknown".into()),
            go: Toolchain::Go.version().unwrap_or("unavailable").to_string(),
            date: first_line(Command::new("date").args(["-u", "+%Y-%m-%d %H:%M UTC"])),
            commit: commit(),
        }
    }
}

fn cpu_model() -> Option<String> {
    let info = std::fs::read_to_string("/proc/cpuinfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("model name"))?;
    Some(line.split_once(':')?.1.trim().to_string())
}

/// The version of `package` the workspace's Cargo.lock pins.
fn locked_version(package: &str) -> Option<String> {
    let lock = adapter_tests::paths::workspace_root().join("Cargo.lock");
    let text = std::fs::read_to_string(lock).ok()?;
    let wanted = format!("name = \"{package}\"");
    let mut lines = text.lines();
    lines.find(|l| *l == wanted)?;
    let version = lines.next()?.strip_prefix("version = \"")?;
    Some(version.trim_end_matches('"').to_string())
}

/// The checked-out commit, marked when the adapter's sources differ from it.
fn commit() -> String {
    let root = adapter_tests::paths::workspace_root();
    let head = first_line(Command::new("git").arg("-C").arg(&root).args(["rev-parse", "--short", "HEAD"]));
    let changed = Command::new("git")
        .arg("-C")
        .arg(&root)
        .args(["status", "--porcelain", "--", "adapter"])
        .output()
        .is_ok_and(|o| !o.stdout.is_empty());
    if changed {
        format!("{head} (adapter/ with uncommitted changes)")
    } else {
        head
    }
}

fn first_line(cmd: &mut Command) -> String {
    cmd.output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| String::from_utf8_lossy(&o.stdout).lines().next().map(str::to_string))
        .unwrap_or_else(|| "unknown".into())
}
