//! The swept dimensions and their points: what each run gets (arguments,
//! environment, stdin, preopened directories and their contents).

use std::fmt;

/// An entry the harness creates in the sandbox before the run.
#[derive(Clone, Debug)]
pub enum SandboxEntry {
    Dir,
    File(Vec<u8>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dimension {
    /// Number and size of environment variables (the `report` mode).
    Env,
    /// Number and size of arguments (the `report` mode).
    Args,
    /// Number and length of preopened directory names.
    Preopens,
    /// fd_write/fd_read/fd_pwrite/fd_pread with many iovecs of varied sizes.
    Iovec,
    /// fd_readdir buffer sizes, directory sizes, name lengths; plus the
    /// standard library's directory listing.
    Readdir,
    /// Path lengths and nesting depths.
    Paths,
}

impl Dimension {
    pub const ALL: [Dimension; 6] = [
        Dimension::Env,
        Dimension::Args,
        Dimension::Preopens,
        Dimension::Iovec,
        Dimension::Readdir,
        Dimension::Paths,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Dimension::Env => "env",
            Dimension::Args => "args",
            Dimension::Preopens => "preopens",
            Dimension::Iovec => "iovec",
            Dimension::Readdir => "readdir",
            Dimension::Paths => "paths",
        }
    }

    pub fn parse(name: &str) -> Option<Dimension> {
        Dimension::ALL.into_iter().find(|d| d.name() == name)
    }

    /// Environment and arguments are what every program reads at start-up
    /// (where the Go heap bug lived): every toolchain, both flavours. The
    /// others need the program's sweep modes (Go, Rust, C commands).
    pub fn runs_on(self, compiler: super::Compiler, flavour: super::Flavour) -> bool {
        use super::{Compiler, Flavour};
        match self {
            Dimension::Env | Dimension::Args => true,
            _ => flavour == Flavour::Command && compiler != Compiler::Asc,
        }
    }
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Which directories the run gets.
#[derive(Clone, Debug)]
pub enum Preopens {
    /// One fresh directory, preopened as `/sandbox` (Go's paths) and as `.`
    /// (wasi-libc's and Rust's relative paths), as in the ordinary cases.
    Sandbox,
    /// One fresh directory per name, each holding a `marker` file with its
    /// index.
    Named(Vec<String>),
}

/// One point of a sweep.
#[derive(Clone, Debug)]
pub struct Point {
    pub dimension: Dimension,
    /// Short description, unique within the dimension, e.g. "numbered n=2000".
    pub label: String,
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    pub stdin: Vec<u8>,
    /// Initial contents of the sandbox (`Preopens::Sandbox` only).
    pub sandbox: Vec<(String, SandboxEntry)>,
    pub preopens: Preopens,
}

impl Point {
    fn new(dimension: Dimension, label: String) -> Point {
        Point {
            dimension,
            label,
            args: vec!["sweep".into()],
            env: Vec::new(),
            stdin: Vec::new(),
            sandbox: Vec::new(),
            preopens: Preopens::Sandbox,
        }
    }

    /// A point running one of the program's modes (`SWEEP=<mode>`).
    fn mode(dimension: Dimension, label: String, mode: &str, params: &[String]) -> Point {
        let mut point = Point::new(dimension, label);
        point.env = vec![("SWEEP".into(), mode.into())];
        point.args.extend(params.iter().cloned());
        point
    }

    /// A file-name-safe form of the label.
    pub fn slug(&self) -> String {
        self.label
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || c == '.' { c } else { '_' })
            .collect()
    }
}

/// Deterministic printable filler of `len` bytes, varying with `seed`.
pub fn filler(len: usize, seed: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    (0..len)
        .map(|j| ALPHABET[(seed * 7 + j) % ALPHABET.len()] as char)
        .collect()
}

/// Environment variable shapes.
#[derive(Clone, Copy, Debug)]
pub enum EnvShape {
    /// `VARIABLE_NUMBER_<n>=value_of_variable_<n>` (~40 bytes; the shape
    /// that killed Go 1.26 at start-up for some counts).
    Numbered,
    /// `V<n>=<n>`.
    Short,
    /// `VALUE_<n>=` plus this many bytes.
    Sized(usize),
    /// Values with '=', empty values and UTF-8, cycled.
    Awkward,
}

impl EnvShape {
    fn name(self) -> String {
        match self {
            EnvShape::Numbered => "numbered".into(),
            EnvShape::Short => "short".into(),
            EnvShape::Sized(n) => format!("value{}", size_name(n)),
            EnvShape::Awkward => "awkward".into(),
        }
    }

    fn var(self, i: usize) -> (String, String) {
        match self {
            EnvShape::Numbered => (format!("VARIABLE_NUMBER_{i}"), format!("value_of_variable_{i}")),
            EnvShape::Short => (format!("V{i}"), i.to_string()),
            EnvShape::Sized(n) => (format!("VALUE_{i}"), filler(n, i)),
            EnvShape::Awkward => {
                let value = match i % 4 {
                    0 => format!("a=b=={i}="),
                    1 => String::new(),
                    2 => format!("grüße ✓ {i}"),
                    _ => format!("=leading{i}"),
                };
                (format!("AWKWARD_{i}"), value)
            }
        }
    }
}

fn size_name(n: usize) -> String {
    if n >= 1 << 20 && n % (1 << 20) == 0 {
        format!("{}MiB", n >> 20)
    } else if n >= 1024 && n % 1024 == 0 {
        format!("{}KiB", n >> 10)
    } else {
        format!("{n}B")
    }
}

/// `VARIABLE_NUMBER_n` environments of every count in `counts`, for
/// narrowing down where a failure starts and ends (`p1-sweep --env-counts`).
pub fn numbered_env_points(counts: impl IntoIterator<Item = usize>) -> Vec<Point> {
    counts.into_iter().map(|n| env_point(EnvShape::Numbered, n)).collect()
}

/// `argument_number_n` argument lists of every count in `counts`
/// (`p1-sweep --args-counts`).
pub fn numbered_args_points(counts: impl IntoIterator<Item = usize>) -> Vec<Point> {
    counts.into_iter().map(|n| args_point(ArgShape::Numbered, n)).collect()
}

fn env_point(shape: EnvShape, count: usize) -> Point {
    let mut point = Point::new(Dimension::Env, format!("{} n={count}", shape.name()));
    point.env = (0..count).map(|i| shape.var(i)).collect();
    point
}

/// Environment sizes: counts of ~40-byte variables from 0 to 20,000, short
/// ones, 1 and 4 KiB values, awkward values, single huge values.
pub fn env_points() -> Vec<Point> {
    let mut points = Vec::new();
    for count in [
        0, 1, 2, 10, 100, 500, 1000, 1500, 1800, 2000, 2200, 2500, 3000, 3500, 4000, 5000, 6000,
        8000, 10000, 12000, 15000, 20000,
    ] {
        points.push(env_point(EnvShape::Numbered, count));
    }
    for count in [1, 100, 1000, 2000, 4000, 10000, 20000] {
        points.push(env_point(EnvShape::Short, count));
    }
    // 90 and 22 values of 1 and 4 KiB: about the environment size (90 KB)
    // at which 1,962 to 2,272 numbered variables break Debian clang programs
    // (they pass: the count matters, not only the bytes).
    for count in [1, 10, 90, 100, 1000, 2000, 5000] {
        points.push(env_point(EnvShape::Sized(1024), count));
    }
    for count in [1, 10, 22, 100, 1000, 4000, 20000] {
        points.push(env_point(EnvShape::Sized(4096), count));
    }
    for count in [4, 1000] {
        points.push(env_point(EnvShape::Awkward, count));
    }
    // A few huge single values.
    for size in [64 << 10, 1 << 20, 8 << 20] {
        points.push(env_point(EnvShape::Sized(size), 1));
    }
    points
}

#[derive(Clone, Copy, Debug)]
pub enum ArgShape {
    /// `argument_number_<n>`.
    Numbered,
    /// `a<n>`.
    Short,
    /// Empty strings.
    Empty,
    /// This many bytes each.
    Sized(usize),
}

impl ArgShape {
    fn name(self) -> String {
        match self {
            ArgShape::Numbered => "numbered".into(),
            ArgShape::Short => "short".into(),
            ArgShape::Empty => "empty".into(),
            ArgShape::Sized(n) => format!("arg{}", size_name(n)),
        }
    }

    fn arg(self, i: usize) -> String {
        match self {
            ArgShape::Numbered => format!("argument_number_{i}"),
            ArgShape::Short => format!("a{i}"),
            ArgShape::Empty => String::new(),
            ArgShape::Sized(n) => filler(n, i),
        }
    }
}

/// `count` is the whole argv including argv[0] ("sweep"); 0 is an empty
/// argv.
fn args_point(shape: ArgShape, count: usize) -> Point {
    let mut point = Point::new(Dimension::Args, format!("{} n={count}", shape.name()));
    point.args = (0..count)
        .map(|i| if i == 0 { "sweep".to_string() } else { shape.arg(i) })
        .collect();
    point
}

pub fn args_points() -> Vec<Point> {
    let mut points = Vec::new();
    for count in [0, 1, 2, 3, 10, 100, 500, 1000, 2000, 3000, 4000, 5000, 8000, 10000] {
        points.push(args_point(ArgShape::Numbered, count));
    }
    for count in [2, 1000, 10000] {
        points.push(args_point(ArgShape::Short, count));
        points.push(args_point(ArgShape::Empty, count));
    }
    for count in [2, 10, 100, 1000] {
        points.push(args_point(ArgShape::Sized(1024), count));
    }
    for count in [2, 100, 1000] {
        points.push(args_point(ArgShape::Sized(4096), count));
    }
    for size in [64 << 10, 1 << 20, 8 << 20] {
        points.push(args_point(ArgShape::Sized(size), 2));
    }
    points
}

/// `count` preopens whose names are `len` bytes long (absolute names; a
/// unique number, then filler).
fn preopen_point(count: usize, len: usize) -> Point {
    let mut point = Point::mode(
        Dimension::Preopens,
        format!("count={count} len={len}"),
        "preopens",
        &[],
    );
    let names = (0..count)
        .map(|i| {
            let mut name = format!("/p{i}_");
            let fill = len.saturating_sub(name.len());
            name.push_str(&filler(fill, i));
            name.truncate(len.max(format!("/p{i}").len()));
            name
        })
        .collect();
    point.preopens = Preopens::Named(names);
    point
}

/// Single-character names: ".", "/", "a".
fn preopen_named(label: &str, names: &[&str]) -> Point {
    let mut point = Point::mode(Dimension::Preopens, label.into(), "preopens", &[]);
    point.preopens = Preopens::Named(names.iter().map(|s| s.to_string()).collect());
    point
}

pub fn preopen_points() -> Vec<Point> {
    let mut points = vec![
        preopen_point(0, 0),
        preopen_named("dot", &["."]),
        preopen_named("slash", &["/"]),
        preopen_named("relative a", &["a"]),
        preopen_named("slash and dot", &["/", "."]),
    ];
    for (count, len) in [
        (1, 8),
        (1, 255),
        (1, 256),
        (1, 1024),
        (1, 4096),
        (1, 8192),
        (2, 16),
        (2, 4096),
        (10, 1024),
        (60, 64),
        (120, 16),
        (124, 16),
        (125, 16),
        (126, 16),
        (127, 16),
        (200, 16),
        (500, 8),
        (100, 1000),
    ] {
        points.push(preopen_point(count, len));
    }
    points
}

/// Total bytes an iovec pattern moves; mirrors `iov_size` in the programs.
fn iov_total(count: usize, pattern: &str) -> usize {
    (0..count)
        .map(|i| match pattern {
            "ones" => 1,
            "mixed" => (i * 7919) % 5000,
            "alternate" => {
                if i % 2 == 1 {
                    4096
                } else {
                    0
                }
            }
            "last" => {
                if i + 1 == count {
                    65536
                } else {
                    0
                }
            }
            "large" => 65536 + i,
            n => n.parse().unwrap_or(0),
        })
        .sum()
}

pub fn iovec_points() -> Vec<Point> {
    let mut points = Vec::new();
    for (count, pattern) in [
        (0, "ones"),
        (1, "ones"),
        (1, "0"),
        (1, "65536"),
        (1, "1048576"),
        (2, "ones"),
        (3, "mixed"),
        (16, "ones"),
        (16, "alternate"),
        (16, "last"),
        (16, "large"),
        (64, "mixed"),
        (100, "100"),
        (256, "alternate"),
        (1023, "ones"),
        (1024, "mixed"),
        (1024, "last"),
        (1024, "4096"),
        (1025, "ones"),
        (2048, "alternate"),
        (4096, "ones"),
        (4096, "mixed"),
        (8192, "last"),
        (16384, "ones"),
    ] {
        let mut point = Point::mode(
            Dimension::Iovec,
            format!("n={count} {pattern}"),
            "iovec",
            &[count.to_string(), pattern.to_string()],
        );
        // stdin holds exactly what the reads expect, plus a little more.
        let total = iov_total(count, pattern);
        point.stdin = crate::cases::pseudo_random_bytes(total + 17, count as u64 + 1);
        points.push(point);
    }
    points
}

/// Directory `d` with `entries` files whose names are `len` bytes long.
fn directory(entries: usize, len: usize) -> Vec<(String, SandboxEntry)> {
    let mut sandbox = vec![("d".to_string(), SandboxEntry::Dir)];
    for i in 0..entries {
        let mut name = format!("{i:04}");
        let fill = len.saturating_sub(name.len());
        name.push_str(&filler(fill, i));
        name.truncate(len.max(4));
        // A few subdirectories, so d_type varies.
        let entry = if i % 10 == 9 {
            SandboxEntry::Dir
        } else {
            SandboxEntry::File(format!("{i}\n").into_bytes())
        };
        sandbox.push((format!("d/{name}"), entry));
    }
    sandbox
}

pub fn readdir_points() -> Vec<Point> {
    let mut points = Vec::new();
    let mut add = |entries: usize, len: usize, buffer: usize| {
        let mut point = Point::mode(
            Dimension::Readdir,
            format!("entries={entries} namelen={len} buf={buffer}"),
            "readdir",
            &[buffer.to_string()],
        );
        point.sandbox = directory(entries, len);
        points.push(point);
    };
    // Around the size of the first entries ("." is 25 bytes, ".." 26) and
    // of one entry with a name of `len` bytes (24 + len).
    for buffer in [0, 1, 8, 23, 24, 25, 26, 27, 49, 50, 51, 64, 128, 4096] {
        add(0, 4, buffer);
    }
    for buffer in [1, 24, 28, 29, 100, 4096] {
        add(10, 4, buffer);
    }
    for buffer in [1, 39, 40, 41, 100, 1000] {
        add(10, 16, buffer);
    }
    for buffer in [1, 100, 278, 279, 280, 300, 600, 4096, 65536] {
        add(100, 255, buffer);
    }
    // The native host reads the whole directory again on every call, so a
    // small buffer costs entries² work natively: 200 entries at most.
    for buffer in [1, 279, 280] {
        add(200, 255, buffer);
    }
    for buffer in [4096, 8192, 65536, 1 << 20] {
        add(1000, 255, buffer);
    }
    add(1000, 6, 4096);
    // The standard library's own listing.
    for (entries, len) in [(0, 4), (1, 4), (100, 255), (1000, 6), (1000, 255)] {
        let mut point = Point::mode(
            Dimension::Readdir,
            format!("listdir entries={entries} namelen={len}"),
            "listdir",
            &[],
        );
        point.sandbox = directory(entries, len);
        points.push(point);
    }
    points
}

pub fn path_points() -> Vec<Point> {
    [
        (1, 1),
        (10, 1),
        (254, 1),
        (255, 1),
        (256, 1),
        (1000, 1),
        (1, 100),
        (100, 10),
        (100, 40),
        (100, 41),
        (200, 20),
        (255, 15),
        (255, 16),
        (255, 17),
        (1, 2047),
        (1, 2048),
        (1, 2049),
        (3, 1024),
        (4, 1000),
    ]
    .into_iter()
    .map(|(comp, depth)| {
        let total = depth * (comp + 1) - 1;
        Point::mode(
            Dimension::Paths,
            format!("comp={comp} depth={depth} total={total}"),
            "paths",
            &[comp.to_string(), depth.to_string()],
        )
    })
    .collect()
}

/// Every point of a dimension.
pub fn points(dimension: Dimension) -> Vec<Point> {
    match dimension {
        Dimension::Env => env_points(),
        Dimension::Args => args_points(),
        Dimension::Preopens => preopen_points(),
        Dimension::Iovec => iovec_points(),
        Dimension::Readdir => readdir_points(),
        Dimension::Paths => path_points(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_unique_within_a_dimension() {
        for dimension in Dimension::ALL {
            let points = points(dimension);
            let mut labels: Vec<&str> = points.iter().map(|p| p.label.as_str()).collect();
            labels.sort();
            let before = labels.len();
            labels.dedup();
            assert_eq!(before, labels.len(), "{dimension}");
        }
    }

    #[test]
    fn numbered_variables_look_like_the_go_report() {
        let point = env_point(EnvShape::Numbered, 2000);
        assert_eq!(point.env.len(), 2000);
        assert_eq!(point.env[1].0, "VARIABLE_NUMBER_1");
        assert_eq!(point.env[1].1, "value_of_variable_1");
    }

    #[test]
    fn preopen_names_have_the_requested_length() {
        let Preopens::Named(names) = preopen_point(3, 4096).preopens else { panic!() };
        assert!(names.iter().all(|n| n.len() == 4096));
        let Preopens::Named(names) = preopen_point(200, 16).preopens else { panic!() };
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 200);
    }
}
