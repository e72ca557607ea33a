//! sweep: one program, several "what to do" modes, run by the sweep harness
//! (tests/src/sweeps.rs) at many sizes. The mode is the SWEEP environment
//! variable (unset: "report", so the environment and argument sweeps control
//! the whole environment); numeric parameters are the arguments. The modes
//! and their output match tests/programs/sweep/c/sweep.c.

use std::ffi::OsString;
use std::fs::File;
use std::io::{IoSlice, IoSliceMut, Read, Write};
use std::mem::ManuallyDrop;
use std::os::fd::{AsRawFd, FromRawFd};
use std::os::wasi::ffi::OsStrExt;

/// The raw P1 calls std has no wrapper for.
mod p1 {
    #[repr(C)]
    pub struct Ciovec {
        pub buf: *const u8,
        pub len: usize,
    }
    #[repr(C)]
    pub struct Iovec {
        pub buf: *mut u8,
        pub len: usize,
    }
    #[link(wasm_import_module = "wasi_snapshot_preview1")]
    extern "C" {
        pub fn fd_prestat_get(fd: i32, prestat: *mut u32) -> i32;
        pub fn fd_prestat_dir_name(fd: i32, path: *mut u8, len: usize) -> i32;
        pub fn fd_readdir(fd: i32, buf: *mut u8, len: usize, cookie: u64, used: *mut usize) -> i32;
        pub fn fd_pwrite(fd: i32, iovs: *const Ciovec, n: usize, offset: u64, written: *mut usize) -> i32;
        pub fn fd_pread(fd: i32, iovs: *const Iovec, n: usize, offset: u64, read: *mut usize) -> i32;
    }
    pub const EBADF: i32 = 8;
}

const FNV_START: u64 = 0xcbf29ce484222325;

fn fnv1a(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h = (h ^ u64::from(b)).wrapping_mul(0x100000001b3);
    }
    h
}

/// At most 48 bytes, for showing a sample of a long string.
fn head(bytes: &[u8], max: usize) -> String {
    String::from_utf8_lossy(&bytes[..bytes.len().min(max)]).into_owned()
}

fn print_sample(label: &str, index: usize, s: &[u8]) {
    println!(
        "{label}[{index}] len={} fnv={:016x} text={}",
        s.len(),
        fnv1a(FNV_START, s),
        head(s, 48)
    );
}

/// Summary of a string list plus the first 3 and last 2.
fn print_list(label: &str, list: &[Vec<u8>]) {
    let bytes: usize = list.iter().map(Vec::len).sum();
    let mut h = FNV_START;
    for s in list {
        h = fnv1a(h, s);
        h = fnv1a(h, &[0]);
    }
    println!("{label}c={} bytes={bytes} fnv={h:016x}", list.len());
    for (i, s) in list.iter().enumerate() {
        if i < 3 || i + 2 >= list.len() {
            print_sample(label, i, s);
        }
    }
}

fn print_lookup(name: &[u8]) {
    let key = std::ffi::OsStr::from_bytes(name);
    match std::env::var_os(key) {
        Some(v) => println!(
            "getenv({}) len={} fnv={:016x}",
            head(name, 48),
            v.len(),
            fnv1a(FNV_START, v.as_bytes())
        ),
        None => println!("getenv({}) unset", head(name, 48)),
    }
}

/// Allocations after start-up, so a heap the adapter disturbed shows.
fn heap_work() {
    const BLOCKS: usize = 64;
    const BLOCK: usize = 256 << 10;
    let mut blocks: Vec<Vec<u8>> = (0..BLOCKS).map(|i| vec![(i * 7) as u8; BLOCK]).collect();
    for i in (1..BLOCKS).step_by(2) {
        blocks[i] = vec![(i * 7 + 1) as u8; BLOCK];
    }
    let mut sum = 0u64;
    for b in &blocks {
        sum = fnv1a(sum, &b[..64]);
        sum = sum.wrapping_add(u64::from(b[BLOCK - 1]));
    }
    println!("heap ok sum={sum:016x}");
}

fn report() {
    let args: Vec<Vec<u8>> = std::env::args_os().map(|a| a.as_bytes().to_vec()).collect();
    print_list("arg", &args);
    let env: Vec<Vec<u8>> = std::env::vars_os()
        .map(|(k, v)| {
            let mut kv = k.as_bytes().to_vec();
            kv.push(b'=');
            kv.extend_from_slice(v.as_bytes());
            kv
        })
        .collect();
    print_list("env", &env);
    if !env.is_empty() {
        for i in [0, env.len() / 2, env.len() - 1] {
            let kv = &env[i];
            let name = kv.split(|&b| b == b'=').next().unwrap_or(kv);
            print_lookup(name);
        }
    }
    print_lookup(b"SWEEP_SURELY_UNSET");
    heap_work();
}

fn preopens() {
    let mut found = 0;
    for fd in 3.. {
        let mut prestat = [0u32; 2];
        let err = unsafe { p1::fd_prestat_get(fd, prestat.as_mut_ptr()) };
        if err == p1::EBADF {
            break;
        }
        if err != 0 {
            println!("fd {fd}: fd_prestat_get errno {err}");
            continue;
        }
        let len = prestat[1] as usize;
        let mut name = vec![0u8; len];
        let err = unsafe { p1::fd_prestat_dir_name(fd, name.as_mut_ptr(), len) };
        println!(
            "fd {fd}: tag={} len={len} errno={err} fnv={:016x} name={}",
            prestat[0] & 0xff,
            fnv1a(FNV_START, &name),
            head(&name, 48)
        );
        found += 1;
        // The marker the harness put in this preopen, found through std's
        // own preopen table by name.
        let dir = OsString::from(std::ffi::OsStr::from_bytes(&name));
        let mut marker = std::path::PathBuf::from(&dir);
        marker.push("marker");
        match std::fs::read(&marker) {
            Ok(text) => println!("  marker: {}", head(text.trim_ascii_end(), 63)),
            Err(e) => println!("  marker: {e}"),
        }
        let mut seen = std::path::PathBuf::from(&dir);
        seen.push("seen");
        if let Err(e) = std::fs::write(&seen, format!("fd {fd}\n")) {
            println!("  seen: {e}");
        }
    }
    println!("preopens={found}");
}

/// Size of iovec `i` for a pattern; the same formulas in every language.
fn iov_size(pattern: &str, i: usize, n: usize) -> usize {
    match pattern {
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
            if i + 1 == n {
                65536
            } else {
                0
            }
        }
        "large" => 65536 + i,
        constant => constant.parse().unwrap_or(0),
    }
}

fn make_buffers(n: usize, pattern: &str, fill: bool) -> Vec<Vec<u8>> {
    (0..n)
        .map(|i| {
            let len = iov_size(pattern, i, n);
            let mut buf: Vec<u8> = if fill {
                (0..len).map(|j| b'a' + ((i + j) % 26) as u8).collect()
            } else {
                vec![0; len]
            };
            if fill && len > 0 {
                buf[len - 1] = b'\n';
            }
            buf
        })
        .collect()
}

fn hash_buffers(bufs: &[Vec<u8>]) -> u64 {
    bufs.iter().fold(FNV_START, |h, b| fnv1a(h, b))
}

/// Writes every buffer with vectored writes, looping over short writes.
fn write_all_vectored(out: &mut File, bufs: &[Vec<u8>]) -> std::io::Result<()> {
    let mut slices: Vec<IoSlice> = bufs.iter().map(|b| IoSlice::new(b)).collect();
    let mut rest = &mut slices[..];
    IoSlice::advance_slices(&mut rest, 0);
    while !rest.is_empty() {
        let n = out.write_vectored(rest)?;
        if n == 0 {
            return Err(std::io::ErrorKind::WriteZero.into());
        }
        IoSlice::advance_slices(&mut rest, n);
    }
    Ok(())
}

/// Reads until every buffer is full or end of file; returns bytes read.
fn read_all_vectored(input: &mut File, bufs: &mut [Vec<u8>]) -> std::io::Result<usize> {
    let mut slices: Vec<IoSliceMut> = bufs.iter_mut().map(|b| IoSliceMut::new(b)).collect();
    let mut rest = &mut slices[..];
    IoSliceMut::advance_slices(&mut rest, 0);
    let mut total = 0;
    while !rest.is_empty() {
        let n = input.read_vectored(rest)?;
        if n == 0 {
            break;
        }
        total += n;
        IoSliceMut::advance_slices(&mut rest, n);
    }
    Ok(total)
}

/// Positional writes (raw fd_pwrite) from `offset`, looping over short ones.
fn pwrite_all(fd: i32, bufs: &[Vec<u8>], mut offset: u64) -> Result<(), i32> {
    let mut iovs: Vec<p1::Ciovec> = bufs
        .iter()
        .filter(|b| !b.is_empty())
        .map(|b| p1::Ciovec { buf: b.as_ptr(), len: b.len() })
        .collect();
    let mut at = 0;
    while at < iovs.len() {
        let mut n = 0;
        let err = unsafe { p1::fd_pwrite(fd, iovs[at..].as_ptr(), iovs.len() - at, offset, &mut n) };
        if err != 0 {
            return Err(err);
        }
        offset += n as u64;
        while n > 0 {
            let step = n.min(iovs[at].len);
            iovs[at].buf = unsafe { iovs[at].buf.add(step) };
            iovs[at].len -= step;
            n -= step;
            if iovs[at].len == 0 {
                at += 1;
            }
        }
    }
    Ok(())
}

fn pread_all(fd: i32, bufs: &mut [Vec<u8>], mut offset: u64) -> Result<usize, i32> {
    let mut iovs: Vec<p1::Iovec> = bufs
        .iter_mut()
        .filter(|b| !b.is_empty())
        .map(|b| p1::Iovec { buf: b.as_mut_ptr(), len: b.len() })
        .collect();
    let mut at = 0;
    let mut total = 0;
    while at < iovs.len() {
        let mut n = 0;
        let err = unsafe { p1::fd_pread(fd, iovs[at..].as_ptr(), iovs.len() - at, offset, &mut n) };
        if err != 0 {
            return Err(err);
        }
        if n == 0 {
            break;
        }
        total += n;
        offset += n as u64;
        while n > 0 {
            let step = n.min(iovs[at].len);
            iovs[at].buf = unsafe { iovs[at].buf.add(step) };
            iovs[at].len -= step;
            n -= step;
            if iovs[at].len == 0 {
                at += 1;
            }
        }
    }
    Ok(total)
}

fn iovec_mode(n: usize, pattern: &str) -> std::io::Result<()> {
    let out = make_buffers(n, pattern, true);
    let total: usize = out.iter().map(Vec::len).sum();
    eprintln!("iovec n={n} pattern={pattern} total={total} fnv={:016x}", hash_buffers(&out));
    // Raw descriptors: std's Stdout/Stdin would buffer.
    let mut stdout = ManuallyDrop::new(unsafe { File::from_raw_fd(1) });
    write_all_vectored(&mut stdout, &out)?;

    let mut file = File::options().create(true).truncate(true).read(true).write(true).open("iov.out")?;
    write_all_vectored(&mut file, &out)?;
    let pos = File::options().create(true).truncate(true).read(true).write(true).open("iov.pos")?;
    pwrite_all(pos.as_raw_fd(), &out, 3).map_err(std::io::Error::from_raw_os_error)?;

    let mut input = make_buffers(n, pattern, false);
    let file = &mut File::open("iov.out")?;
    let got = read_all_vectored(file, &mut input)?;
    eprintln!("readv file: {got} bytes fnv={:016x}", hash_buffers(&input));
    let mut input = make_buffers(n, pattern, false);
    let got = pread_all(pos.as_raw_fd(), &mut input, 3).map_err(std::io::Error::from_raw_os_error)?;
    eprintln!("preadv file: {got} bytes fnv={:016x}", hash_buffers(&input));
    let mut input = make_buffers(n, pattern, false);
    let mut stdin = ManuallyDrop::new(unsafe { File::from_raw_fd(0) });
    let got = read_all_vectored(&mut stdin, &mut input)?;
    eprintln!("readv stdin: {got} bytes fnv={:016x}", hash_buffers(&input));
    Ok(())
}

const DIRENT_HEADER: usize = 24;

/// Raw fd_readdir with a fixed buffer size; see sweep.c for the rules.
fn readdir_mode(bufsize: usize) -> std::io::Result<()> {
    let dir = File::open("d")?;
    let fd = dir.as_raw_fd();
    const BIG: usize = 65536;
    let mut buf = vec![0u8; bufsize.max(BIG)];
    let mut cookie = 0u64;
    let mut entries = 0;
    let u32_at = |b: &[u8], at: usize| u32::from_le_bytes(b[at..at + 4].try_into().unwrap());
    let u64_at = |b: &[u8], at: usize| u64::from_le_bytes(b[at..at + 8].try_into().unwrap());
    for call in 0..100000 {
        let size = bufsize;
        buf[..size].fill(0xee);
        let mut used = 0usize;
        let err = unsafe { p1::fd_readdir(fd, buf.as_mut_ptr(), size, cookie, &mut used) };
        let mut whole = 0;
        let mut at = 0;
        if err == 0 {
            while at + DIRENT_HEADER <= used {
                let namlen = u32_at(&buf, at + 16) as usize;
                buf[at + 8..at + 16].fill(0);
                if at + DIRENT_HEADER + namlen > used {
                    break;
                }
                at += DIRENT_HEADER + namlen;
                whole += 1;
            }
            // A truncated last entry may still show (part of) its inode.
            if at < used && used - at > 8 {
                let end = (used - at).min(16);
                buf[at + 8..at + end].fill(0);
            }
        }
        let shown_bytes = if err == 0 { &buf[..used] } else { &buf[..0] };
        println!(
            "call {call} cookie={cookie} size={size} errno={err} used={used} whole={whole} fnv={:016x}",
            fnv1a(FNV_START, shown_bytes)
        );
        if err != 0 {
            std::process::exit(1);
        }
        if whole == 0 && used == size {
            // Nothing whole fitted: fetch one entry with a big buffer.
            buf[..BIG].fill(0);
            let err = unsafe { p1::fd_readdir(fd, buf.as_mut_ptr(), BIG, cookie, &mut used) };
            if err != 0 || used < DIRENT_HEADER {
                println!("  big call errno={err} used={used}");
                std::process::exit(1);
            }
            whole = 1;
        }
        at = 0;
        let mut shown = 0;
        while at + DIRENT_HEADER <= used && shown < whole {
            let next = u64_at(&buf, at);
            let namlen = u32_at(&buf, at + 16) as usize;
            if at + DIRENT_HEADER + namlen > used {
                break;
            }
            let name = &buf[at + DIRENT_HEADER..at + DIRENT_HEADER + namlen];
            println!(
                "  next={next} type={} namlen={namlen} fnv={:016x} name={}",
                buf[at + 20],
                fnv1a(FNV_START, name),
                head(name, 40)
            );
            cookie = next;
            at += DIRENT_HEADER + namlen;
            shown += 1;
            entries += 1;
        }
        if used < size && shown == whole && at == used {
            break; // a short buffer: end of the directory
        }
    }
    println!("entries={entries}");
    Ok(())
}

fn listdir_mode() -> std::io::Result<()> {
    let mut names: Vec<Vec<u8>> = std::fs::read_dir("d")?
        .map(|e| e.map(|e| e.file_name().as_bytes().to_vec()))
        .collect::<Result<_, _>>()?;
    names.sort();
    let h = names.iter().fold(FNV_START, |h, n| fnv1a(fnv1a(h, n), &[0]));
    println!("listdir count={} fnv={h:016x}", names.len());
    for (i, n) in names.iter().enumerate() {
        if i < 3 || i + 2 >= names.len() {
            print_sample("name", i, n);
        }
    }
    Ok(())
}

fn show<T>(what: &str, len: usize, result: &std::io::Result<T>) {
    match result {
        Ok(_) => println!("{what} len={len} -> ok"),
        Err(e) => println!("{what} len={len} -> {e}"),
    }
}

/// Nested directories, a file at the leaf, then cleanup; see sweep.c.
fn paths_mode(comp: usize, depth: usize) {
    let mut path = String::new();
    let mut made = 0;
    for level in 0..depth {
        if level > 0 {
            path.push('/');
        }
        let c = (b'a' + (level % 26) as u8) as char;
        path.extend(std::iter::repeat(c).take(comp));
        let result = std::fs::create_dir(&path);
        if result.is_ok() {
            made += 1;
        }
        if level < 2 || level + 2 >= depth || result.is_err() {
            show("mkdir", path.len(), &result);
        }
        if result.is_err() {
            break;
        }
    }
    let file = format!("{path}/f");
    let created = std::fs::write(&file, b"leaf\n");
    show("create", file.len(), &created);
    if created.is_ok() {
        let meta = std::fs::metadata(&file);
        show("stat", file.len(), &meta);
        if let Ok(m) = meta {
            println!("  size={} regular={}", m.len(), u8::from(m.is_file()));
        }
        match std::fs::read(&file) {
            Ok(text) => println!("read -> {} [{}]", text.len(), head(&text, 5)),
            Err(e) => println!("read -> {e}"),
        }
        let renamed = format!("{path}/g");
        show("rename", file.len(), &std::fs::rename(&file, &renamed));
        show("unlink", file.len(), &std::fs::remove_file(&renamed));
    }
    for level in (1..=made).rev() {
        let len = level * (comp + 1) - 1;
        let result = std::fs::remove_dir(&path[..len]);
        if level <= 2 || level + 1 >= made || result.is_err() {
            show("rmdir", len, &result);
        }
    }
    println!("made={made}");
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let number = |i: usize| args.get(i).and_then(|a| a.parse::<usize>().ok()).unwrap_or(0);
    let result = match std::env::var("SWEEP").ok().as_deref() {
        None => {
            report();
            Ok(())
        }
        Some("preopens") => {
            preopens();
            Ok(())
        }
        Some("iovec") if args.len() == 3 => iovec_mode(number(1), &args[2]),
        Some("readdir") if args.len() == 2 => readdir_mode(number(1)),
        Some("listdir") => listdir_mode(),
        Some("paths") if args.len() == 3 => {
            paths_mode(number(1), number(2));
            Ok(())
        }
        Some(other) => {
            println!("unknown mode {other} (argc {})", args.len());
            std::process::exit(2);
        }
    };
    if let Err(e) = result {
        println!("error: {e}");
        std::process::exit(1);
    }
}
