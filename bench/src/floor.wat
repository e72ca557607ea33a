;; The host's floor: a component that makes each per-call workload's WASI
;; 0.2 calls itself, in a loop, with no adapter and no guest around them.
;; What it costs per iteration is the least any Preview 1 adapter pays the
;; host for that P1 call (bench/src/floor.rs).
;;
;; `run(workload, n)` repeats one workload's calls n times and returns how
;; many iterations failed. The workloads, by number:
;;   0  monotonic-clock.now
;;   1  wall-clock.now
;;   2  get-random-bytes(32)
;;   3  get-random-bytes(65536)
;;   4  descriptor.write of 64 bytes to out.bin, front to back
;;   5  descriptor.write of 65536 bytes to out.bin, front to back
;;   6  blocking-write-and-flush of 64 bytes to stdout
;;   7  descriptor.read of 64 bytes of data.bin, front to back
;;   8  descriptor.read of 65536 bytes of data.bin, front to back
;;   9  open-at small.txt, then drop the descriptor
;;  10  stat-at and metadata-hash-at of small.txt (P1's inode is the hash)
;;  11  dir1000 listed whole: metadata-hash of the directory (for "." and
;;      ".."), read-directory, and per entry read-directory-entry and
;;      metadata-hash-at, as the native host lists a directory
;;  12  get-arguments
;;  13  get-environment
;;
;; Memory: 0..256 the return areas, 256.. file names, 1024..1088 the bytes
;; of small writes, 4096..69632 those of 64 KiB writes, 131072.. where
;; cabi_realloc hands out memory. It is a bump allocator that every
;; iteration starts again at 131072, as an adapter that lowers results
;; straight into the guest's buffer (or reuses scratch memory) would.
(module
  (import "wasi:filesystem/preopens@0.2.0" "get-directories" (func $get_directories (param i32)))
  (import "wasi:filesystem/types@0.2.0" "[method]descriptor.open-at"
    (func $open_at (param i32 i32 i32 i32 i32 i32 i32)))
  (import "wasi:filesystem/types@0.2.0" "[method]descriptor.read"
    (func $read (param i32 i64 i64 i32)))
  (import "wasi:filesystem/types@0.2.0" "[method]descriptor.write"
    (func $write (param i32 i32 i32 i64 i32)))
  (import "wasi:filesystem/types@0.2.0" "[method]descriptor.stat-at"
    (func $stat_at (param i32 i32 i32 i32 i32)))
  (import "wasi:filesystem/types@0.2.0" "[method]descriptor.metadata-hash-at"
    (func $metadata_hash_at (param i32 i32 i32 i32 i32)))
  (import "wasi:filesystem/types@0.2.0" "[method]descriptor.metadata-hash"
    (func $metadata_hash (param i32 i32)))
  (import "wasi:filesystem/types@0.2.0" "[method]descriptor.read-directory"
    (func $read_directory (param i32 i32)))
  (import "wasi:filesystem/types@0.2.0" "[method]directory-entry-stream.read-directory-entry"
    (func $read_directory_entry (param i32 i32)))
  (import "wasi:filesystem/types@0.2.0" "[resource-drop]directory-entry-stream"
    (func $drop_entries (param i32)))
  (import "wasi:filesystem/types@0.2.0" "[resource-drop]descriptor"
    (func $drop_descriptor (param i32)))
  (import "wasi:clocks/monotonic-clock@0.2.0" "now" (func $monotonic_now (result i64)))
  (import "wasi:clocks/wall-clock@0.2.0" "now" (func $wall_now (param i32)))
  (import "wasi:random/random@0.2.0" "get-random-bytes" (func $random (param i64 i32)))
  (import "wasi:cli/environment@0.2.0" "get-arguments" (func $arguments (param i32)))
  (import "wasi:cli/environment@0.2.0" "get-environment" (func $environment (param i32)))
  (import "wasi:cli/stdout@0.2.0" "get-stdout" (func $get_stdout (result i32)))
  (import "wasi:io/streams@0.2.0" "[method]output-stream.blocking-write-and-flush"
    (func $write_and_flush (param i32 i32 i32 i32)))

  (memory (export "memory") 16)
  (global $bump (mut i32) (i32.const 131072))
  (data (i32.const 256) "data.bin")
  (data (i32.const 272) "out.bin")
  (data (i32.const 288) "small.txt")
  (data (i32.const 304) "dir1000")
  (data (i32.const 1024) "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\n")

  (func (export "cabi_realloc") (param i32 i32 i32 i32) (result i32)
    (local $at i32)
    ;; Align up, hand out, move on.
    (local.set $at
      (i32.and
        (i32.add (global.get $bump) (i32.sub (local.get 2) (i32.const 1)))
        (i32.sub (i32.const 0) (local.get 2))))
    (global.set $bump (i32.add (local.get $at) (local.get 3)))
    (local.get $at))

  ;; The first preopen (the sandbox).
  (func $sandbox (result i32)
    (call $get_directories (i32.const 0))
    (i32.load (i32.load (i32.const 0))))

  ;; open-at(sandbox, follow symlinks, name, open flags, descriptor flags),
  ;; as the benchmark's guest opens; the new descriptor, or -1.
  (func $open (param $name i32) (param $len i32) (param $oflags i32) (param $dflags i32) (result i32)
    (call $open_at (call $sandbox) (i32.const 1) (local.get $name) (local.get $len)
      (local.get $oflags) (local.get $dflags) (i32.const 0))
    (if (result i32) (i32.load8_u (i32.const 0))
      (then (i32.const -1))
      (else (i32.load (i32.const 4)))))

  ;; Whether the result<_, _> in the return area at 0 is an error.
  (func $failed (result i32) (i32.load8_u (i32.const 0)))

  ;; One iteration of `workload`, the `i`th, on `fd` (what `prepare` opened
  ;; for it); nonzero if it failed.
  (func $once (param $workload i32) (param $i i32) (param $fd i32) (param $dir i32) (result i32)
    (local $entries i32) (local $bad i32)
    (global.set $bump (i32.const 131072))
    (block $environment (block $arguments (block $list (block $stat (block $open_close
    (block $read_64k (block $read_64 (block $stdout (block $write_64k (block $write_64
    (block $random_64k (block $random_32 (block $wall (block $monotonic
      (br_table $monotonic $wall $random_32 $random_64k $write_64 $write_64k $stdout
        $read_64 $read_64k $open_close $stat $list $arguments $environment
        (local.get $workload)))
    (drop (call $monotonic_now))
    (return (i32.const 0)))
    (call $wall_now (i32.const 0))
    (return (i32.const 0)))
    (call $random (i64.const 32) (i32.const 0))
    (return (i32.ne (i32.load (i32.const 4)) (i32.const 32))))
    (call $random (i64.const 65536) (i32.const 0))
    (return (i32.ne (i32.load (i32.const 4)) (i32.const 65536))))
    (call $write (local.get $fd) (i32.const 1024) (i32.const 64)
      (i64.mul (i64.extend_i32_u (local.get $i)) (i64.const 64)) (i32.const 0))
    (return (call $failed)))
    (call $write (local.get $fd) (i32.const 4096) (i32.const 65536)
      (i64.mul (i64.extend_i32_u (local.get $i)) (i64.const 65536)) (i32.const 0))
    (return (call $failed)))
    (call $write_and_flush (local.get $fd) (i32.const 1024) (i32.const 64) (i32.const 0))
    (return (call $failed)))
    (call $read (local.get $fd) (i64.const 64)
      (i64.mul (i64.extend_i32_u (local.get $i)) (i64.const 64)) (i32.const 0))
    (return (i32.or (call $failed) (i32.ne (i32.load (i32.const 8)) (i32.const 64)))))
    (call $read (local.get $fd) (i64.const 65536)
      (i64.mul (i64.extend_i32_u (local.get $i)) (i64.const 65536)) (i32.const 0))
    (return (i32.or (call $failed) (i32.ne (i32.load (i32.const 8)) (i32.const 65536)))))
    ;; open-at(sandbox, follow symlinks, small.txt, no open flags, read)
    (call $open_at (local.get $dir) (i32.const 1) (i32.const 288) (i32.const 9)
      (i32.const 0) (i32.const 1) (i32.const 0))
    (if (call $failed) (then (return (i32.const 1))))
    (call $drop_descriptor (i32.load (i32.const 4)))
    (return (i32.const 0)))
    ;; Both following symlinks (path flag 1), as path_filestat_get does here.
    (call $stat_at (local.get $dir) (i32.const 1) (i32.const 288) (i32.const 9) (i32.const 0))
    (if (call $failed) (then (return (i32.const 1))))
    (call $metadata_hash_at (local.get $dir) (i32.const 1) (i32.const 288) (i32.const 9) (i32.const 0))
    (return (call $failed)))
    ;; The listing: the directory's own hash, then every entry and its hash.
    (call $metadata_hash (local.get $fd) (i32.const 0))
    (if (call $failed) (then (return (i32.const 1))))
    (call $read_directory (local.get $fd) (i32.const 0))
    (if (call $failed) (then (return (i32.const 1))))
    (local.set $entries (i32.load (i32.const 4)))
    (block $end
      (loop $next
        ;; result<option<directory-entry>, error-code>: option tag at 4,
        ;; the entry's name (pointer, length) at 12 and 16.
        (call $read_directory_entry (local.get $entries) (i32.const 0))
        (if (call $failed) (then (local.set $bad (i32.const 1)) (br $end)))
        (br_if $end (i32.eqz (i32.load8_u (i32.const 4))))
        (call $metadata_hash_at (local.get $fd) (i32.const 0)
          (i32.load (i32.const 12)) (i32.load (i32.const 16)) (i32.const 32))
        (if (i32.load8_u (i32.const 32)) (then (local.set $bad (i32.const 1)) (br $end)))
        (br $next)))
    (call $drop_entries (local.get $entries))
    (return (local.get $bad)))
    (call $arguments (i32.const 0))
    (return (i32.eqz (i32.load (i32.const 4)))))
    (call $environment (i32.const 0))
    (i32.eqz (i32.load (i32.const 4))))

  ;; What workload needs open before its loop: the file or stream it uses
  ;; (or 0), or -1 if that failed.
  (func $prepare (param $workload i32) (result i32)
    (block $list (block $read (block $stdout (block $write (block $none
      (br_table $none $none $none $none $write $write $stdout $read $read $none $none $list
        $none (local.get $workload)))
    (return (i32.const 0)))
    ;; out.bin: open flags create, truncate; descriptor flags write.
    (return (call $open (i32.const 272) (i32.const 7) (i32.const 9) (i32.const 2))))
    (return (call $get_stdout)))
    ;; data.bin, to read.
    (return (call $open (i32.const 256) (i32.const 8) (i32.const 0) (i32.const 1))))
    ;; dir1000: open flags directory; descriptor flags read.
    (call $open (i32.const 304) (i32.const 7) (i32.const 2) (i32.const 1)))

  (func (export "run") (param $workload i32) (param $n i32) (result i32)
    (local $i i32) (local $failed i32) (local $fd i32) (local $dir i32)
    (local.set $fd (call $prepare (local.get $workload)))
    (if (i32.eq (local.get $fd) (i32.const -1)) (then (return (local.get $n))))
    (local.set $dir (call $sandbox))
    (block $done
      (loop $again
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $failed
          (i32.add (local.get $failed)
            (call $once (local.get $workload) (local.get $i) (local.get $fd) (local.get $dir))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $again)))
    (local.get $failed))
)
