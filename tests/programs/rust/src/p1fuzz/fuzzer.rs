//! The fuzzer's state: the PRNG, the mode, the descriptors it knows about,
//! and the pickers that turn random numbers into call arguments.

use crate::mem;
use crate::out;
use crate::rng::Rng;
use crate::wasi::{self, Errno};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mode {
    /// Every read/write moves at most one non-empty iovec, so byte counts
    /// are comparable call by call.
    Single,
    /// 0-3 iovecs of random sizes; transfers are completed by looping (see
    /// `io.rs`), and only totals are printed.
    Multi,
    /// Single, plus arguments P1 hosts must reject: huge descriptors and
    /// lengths, malformed subscriptions, and one final natively-trapping
    /// probe (`probe.rs`).
    Malformed,
}

impl Mode {
    pub fn parse(s: &str) -> Option<Mode> {
        match s {
            "single" => Some(Mode::Single),
            "multi" => Some(Mode::Multi),
            "malformed" => Some(Mode::Malformed),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    File,
    Dir,
}

/// Descriptors 0-2 (our output channel and stdio) and 3 (the first
/// preopen) are never closed or renumbered over.
pub const PROTECTED_FDS: u32 = 4;

/// Beyond this many open descriptors, one is closed before opening more.
const MAX_OPEN: usize = 24;

pub struct Fuzzer {
    pub rng: Rng,
    pub mode: Mode,
    /// Descriptors opened by the program (plus preopen 4), with their kind.
    pub open: Vec<(u32, Kind)>,
    /// Descriptors the program closed (numbers that may be reused).
    pub closed: Vec<u32>,
    /// Last `d_next` returned by `fd_readdir`, per directory descriptor.
    pub cookies: Vec<(u32, u64)>,
    /// Number of the call being made; printed at the start of every line.
    pub step: u32,
    /// Known divergences not to provoke (`P1FUZZ_AVOID`, comma-separated),
    /// so that a run can find what hides behind them.
    avoid: Vec<String>,
}

pub const HUGE_FDS: [u32; 6] = [128, 1000, 0x7fff_ffff, 0x8000_0000, 0xffff_fffe, 0xffff_ffff];

impl Fuzzer {
    pub fn new(mode: Mode, seed: u64) -> Fuzzer {
        Fuzzer {
            rng: Rng::new(seed),
            mode,
            open: vec![(4, Kind::Dir)],
            closed: Vec::new(),
            cookies: Vec::new(),
            step: 0,
            avoid: std::env::var("P1FUZZ_AVOID")
                .unwrap_or_default()
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
        }
    }

    pub fn avoids(&self, what: &str) -> bool {
        self.avoid.iter().any(|a| a == what)
    }

    pub fn malformed(&self) -> bool {
        self.mode == Mode::Malformed
    }

    /// Prints one result line: `#<step> <call> <args> -> <errno> <results>`.
    pub fn report(&mut self, call: &str, args: &str, errno: Errno, results: &str) {
        self.step += 1;
        let sep = if results.is_empty() { "" } else { " " };
        out::line(&format!(
            "#{} {call} {args} -> {}{sep}{results}",
            self.step,
            wasi::errno_name(errno)
        ));
    }

    // ---- descriptors -------------------------------------------------

    fn of_kind(&self, kind: Kind) -> Vec<u32> {
        self.open
            .iter()
            .filter(|(_, k)| *k == kind)
            .map(|(fd, _)| *fd)
            .collect()
    }

    /// Something that is not an open descriptor (or no longer is).
    fn stale_fd(&mut self) -> u32 {
        if !self.closed.is_empty() && self.rng.chance(40) {
            let closed = self.closed.clone();
            self.rng.pick(&closed)
        } else if self.malformed() && self.rng.chance(50) {
            self.rng.pick(&HUGE_FDS)
        } else {
            self.rng.range(0, 40)
        }
    }

    /// Any descriptor, biased towards open ones.
    pub fn any_fd(&mut self) -> u32 {
        match self.rng.below(100) {
            0..=34 => self.file_fd(),
            35..=54 => self.dir_fd(),
            55..=69 => self.rng.range(0, 2),
            70..=87 => self.rng.range(3, 4),
            _ => self.stale_fd(),
        }
    }

    /// Mostly an open file.
    pub fn file_fd(&mut self) -> u32 {
        let files = self.of_kind(Kind::File);
        if !files.is_empty() && self.rng.chance(85) {
            self.rng.pick(&files)
        } else {
            self.any_fd_shallow()
        }
    }

    /// Mostly a directory (a preopen or one the program opened).
    pub fn dir_fd(&mut self) -> u32 {
        let dirs = self.of_kind(Kind::Dir);
        match self.rng.below(100) {
            0..=44 => 3,
            45..=84 if !dirs.is_empty() => self.rng.pick(&dirs),
            45..=84 => 3,
            _ => self.any_fd_shallow(),
        }
    }

    fn any_fd_shallow(&mut self) -> u32 {
        match self.rng.below(4) {
            0 => self.rng.range(0, 4),
            1 if !self.open.is_empty() => {
                let open = self.open.clone();
                self.rng.pick(&open).0
            }
            _ => self.stale_fd(),
        }
    }

    /// An open descriptor the program may close or renumber (not 0-3).
    pub fn closable_fd(&mut self) -> u32 {
        // The second preopen only now and then: many path calls use it.
        let keep_4 = self.rng.chance(10);
        let candidates: Vec<u32> = self
            .open
            .iter()
            .map(|(fd, _)| *fd)
            .filter(|fd| *fd >= PROTECTED_FDS && (*fd != 4 || keep_4))
            .collect();
        if !candidates.is_empty() && self.rng.chance(75) {
            self.rng.pick(&candidates)
        } else {
            let fd = self.stale_fd();
            fd.max(PROTECTED_FDS)
        }
    }

    /// What `fd` is, as far as the program knows (3 is the first preopen;
    /// standard streams are `None`, like descriptors that are not open).
    pub fn kind_of(&self, fd: u32) -> Option<Kind> {
        if fd == 3 {
            return Some(Kind::Dir);
        }
        self.open.iter().find(|(f, _)| *f == fd).map(|(_, k)| *k)
    }

    pub fn too_many_open(&self) -> bool {
        self.open.len() >= MAX_OPEN
    }

    pub fn opened(&mut self, fd: u32, kind: Kind) {
        self.open.retain(|(f, _)| *f != fd);
        self.closed.retain(|f| *f != fd);
        self.cookies.retain(|(f, _)| *f != fd);
        self.open.push((fd, kind));
    }

    pub fn closed_fd(&mut self, fd: u32) {
        self.open.retain(|(f, _)| *f != fd);
        self.cookies.retain(|(f, _)| *f != fd);
        if !self.closed.contains(&fd) {
            self.closed.push(fd);
        }
    }

    pub fn renumbered(&mut self, from: u32, to: u32) {
        if from == to {
            return;
        }
        let kind = self.open.iter().find(|(f, _)| *f == from).map(|(_, k)| *k);
        self.closed_fd(to);
        self.closed_fd(from);
        self.closed.retain(|f| *f != to);
        if let Some(kind) = kind {
            self.open.push((to, kind));
        }
    }

    // ---- paths -------------------------------------------------------

    /// Writes a random path at `region` (mem::PATH_A or PATH_B); returns its
    /// address, length and a printable form.
    pub fn path(&mut self, region: u32) -> (u32, u32, String) {
        if self.malformed() && self.rng.chance(5) {
            return self.oversized_path(region);
        }
        self.plain_path(region)
    }

    /// `path` without oversized lengths (for `path_unlink_file`, where the
    /// native host traps on them instead: probe.rs).
    pub fn plain_path(&mut self, region: u32) -> (u32, u32, String) {
        let bytes = self.path_bytes();
        mem::write_bytes(mem::addr(region), &bytes);
        (mem::addr(region), bytes.len() as u32, show_path(&bytes))
    }

    /// A valid address with a length beyond the native host's 128 MiB
    /// hostcall fuel: NOMEM where it reads the string (after whatever it
    /// checks first), no memory access.
    fn oversized_path(&mut self, region: u32) -> (u32, u32, String) {
        mem::write_bytes(mem::addr(region), b"a");
        let len = self.rng.pick(&[(128 << 20) + 1, 0x4000_0000, u32::MAX]);
        (mem::addr(region), len, format!("<len {len}>"))
    }

    /// Like `path`, but mostly names that exist at the start.
    pub fn existing_path(&mut self, region: u32) -> (u32, u32, String) {
        const EXISTING: [&str; 10] = [
            "seed.txt", "a", "d0/a", "tree/a.txt", "tree/b/c.txt", "link-to-seed", "tree",
            "d0", "tree/b", "link-to-tree",
        ];
        if self.rng.chance(40) {
            return self.path(region);
        }
        let bytes = self.rng.pick(&EXISTING).as_bytes();
        mem::write_bytes(mem::addr(region), bytes);
        (mem::addr(region), bytes.len() as u32, show_path(bytes))
    }

    fn path_bytes(&mut self) -> Vec<u8> {
        const NAMES: [&str; 40] = [
            "a", "b", "c.txt", "d0", "d1", "d0/a", "d0/d2", "d0/d2/b", "d1/x", "seed.txt",
            "tree", "tree/a.txt", "tree/b", "tree/b/c.txt", "tree/b/d/e.txt", "tree/empty",
            "link-to-seed", "link-to-tree", "link-to-tree/a.txt", "escape-link", "dangling",
            "loop", "abs-link", "l0", "l1", "l1/a", ".", "..", "../x", "/sandbox/seed.txt",
            "/", "", "a/", "d0/", "tree/./b/../a.txt", "tree//a.txt", "link-to-seed/",
            "seed.txt/.", "ünï", "d0/../a",
        ];
        match self.rng.below(100) {
            0..=90 => NAMES[self.rng.below(NAMES.len() as u64) as usize]
                .as_bytes()
                .to_vec(),
            91 => self.utf8_edges(),
            92 => vec![b'x'; 255],
            93 => vec![b'y'; 256],
            94 => "d0/".repeat(1400).into_bytes(), // > PATH_MAX
            95 => b"bad\xff\xfeutf8".to_vec(),
            96 => b"a\0b".to_vec(),
            97 => b"\xc3".to_vec(), // truncated UTF-8 sequence
            98 => b"tree/../../sandbox".to_vec(),
            _ => b"./a".to_vec(),
        }
    }

    /// 1 to 24 bytes, each an ASCII letter or one from around UTF-8's
    /// edges (continuation bytes, the leads of overlong, surrogate and
    /// out-of-range sequences, the last valid leads), anywhere in the
    /// adapter's word-at-a-time ASCII check: the adapter checks paths
    /// itself, and must find the same ones invalid (EILSEQ) as the native
    /// host.
    fn utf8_edges(&mut self) -> Vec<u8> {
        const EDGES: [u8; 20] = [
            0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xc3, 0xdf, 0xe0, 0xed, 0xef, 0xf0,
            0xf4, 0xf5, 0xf8, 0xff,
        ];
        (0..1 + self.rng.below(24))
            .map(|_| if self.rng.chance(50) { b'a' + self.rng.below(26) as u8 } else { self.rng.pick(&EDGES) })
            .collect()
    }

    /// A target for `path_symlink`.
    pub fn symlink_target(&mut self) -> (u32, u32, String) {
        const TARGETS: [&str; 12] = [
            "a", "seed.txt", "tree", "d0/a", "../outside.txt", "/etc/passwd", "", "nonexistent",
            "link-to-seed", "l0", "tree/b/", ".",
        ];
        if self.malformed() && self.rng.chance(5) {
            return self.oversized_path(mem::PATH_A);
        }
        let bytes = match self.rng.below(20) {
            0 => b"bad\xfftarget".to_vec(),
            1 => vec![b'z'; 300],
            _ => TARGETS[self.rng.below(TARGETS.len() as u64) as usize]
                .as_bytes()
                .to_vec(),
        };
        mem::write_bytes(mem::addr(mem::PATH_A), &bytes);
        (mem::addr(mem::PATH_A), bytes.len() as u32, show_path(&bytes))
    }

    pub fn lookupflags(&mut self) -> u32 {
        self.rng.below(2) as u32
    }

    // ---- numbers -----------------------------------------------------

    /// A file size or offset: mostly small, sometimes at the edges of the
    /// signed range. Never in between (1 MiB .. 2^63 - 1), so no run can make
    /// a huge sparse file the directory snapshot would have to read.
    pub fn filesize(&mut self) -> u64 {
        match self.rng.below(10) {
            0..=5 => self.rng.pick(&[0, 1, 2, 5, 17, 100, 4095, 4096, 65537]),
            6..=7 => self.rng.below(2000),
            8 => self.rng.pick(&[1 << 63, u64::MAX, (1 << 63) + 1]),
            _ => self.rng.pick(&[i64::MAX as u64, u64::MAX - 4096]),
        }
    }

    /// A size for `fd_filestat_set_size`: small, or beyond the signed range
    /// (never one a file system could actually allocate sparsely).
    pub fn new_size(&mut self) -> u64 {
        match self.rng.below(10) {
            0..=8 => self.rng.pick(&[0, 1, 3, 10, 100, 4096, 5000, 70000]),
            _ => self.rng.pick(&[1 << 63, u64::MAX]),
        }
    }

    pub fn timestamp(&mut self) -> u64 {
        self.rng.pick(&[
            0,
            1,
            999_999_999,
            1_000_000_000,
            123_456_789_012_345_678,
            1_600_000_000_000_000_000,
            i64::MAX as u64,
            u64::MAX,
        ])
    }

    /// Valid rights: all, none, read, write, read+write, or a random subset.
    pub fn rights(&mut self) -> u64 {
        match self.rng.below(6) {
            0 => wasi::RIGHTS_ALL,
            1 => 0,
            2 => wasi::RIGHT_FD_READ,
            3 => wasi::RIGHT_FD_WRITE,
            4 => wasi::RIGHT_FD_READ | wasi::RIGHT_FD_WRITE,
            _ => self.rng.next() & wasi::RIGHTS_ALL,
        }
    }

    /// Valid fdflags, mostly none/append/nonblock (the sync flags make
    /// the native host refuse most opens).
    pub fn fdflags(&mut self) -> u32 {
        match self.rng.below(20) {
            0..=9 => 0,
            10..=13 => wasi::FDFLAG_APPEND,
            14..=16 => wasi::FDFLAG_NONBLOCK,
            _ => self.rng.below(32) as u32,
        }
    }
}

/// Printable form of a path: escapes, and long runs shortened.
pub fn show_path(bytes: &[u8]) -> String {
    if bytes.len() > 64 {
        return format!("<{} bytes {}>", bytes.len(), mem::hash(bytes));
    }
    let mut s = String::from("\"");
    for &b in bytes {
        if (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\' {
            s.push(b as char);
        } else {
            s.push_str(&format!("\\x{b:02x}"));
        }
    }
    s.push('"');
    s
}
