;; The host's floor: a component that makes the hot calls' WASI 0.2 calls
;; itself, in a loop, with no adapter and no guest around them. What it
;; costs per iteration is what any Preview 1 adapter pays the host per call
;; at the least (bench/src/floor.rs).
;;
;; `run(workload, n)` repeats one call n times and returns how many failed:
;;   0  monotonic-clock.now
;;   1  descriptor.read of 64 bytes of data.bin, front to back
;;   2  descriptor.write of 64 bytes to out.bin, front to back
;;   3  output-stream.blocking-write-and-flush of 64 bytes to stdout
;;
;; Memory: 0..16 the return area, 64.. the file names, 1024..1088 the bytes
;; written, 65536.. where cabi_realloc hands out memory (a bump allocator;
;; each read starts it again at 65536, as an adapter reading straight into
;; the guest's buffer would).
(module
  (import "wasi:filesystem/preopens@0.2.0" "get-directories" (func $get_directories (param i32)))
  (import "wasi:filesystem/types@0.2.0" "[method]descriptor.open-at"
    (func $open_at (param i32 i32 i32 i32 i32 i32 i32)))
  (import "wasi:filesystem/types@0.2.0" "[method]descriptor.read"
    (func $read (param i32 i64 i64 i32)))
  (import "wasi:filesystem/types@0.2.0" "[method]descriptor.write"
    (func $write (param i32 i32 i32 i64 i32)))
  (import "wasi:clocks/monotonic-clock@0.2.0" "now" (func $now (result i64)))
  (import "wasi:cli/stdout@0.2.0" "get-stdout" (func $get_stdout (result i32)))
  (import "wasi:io/streams@0.2.0" "[method]output-stream.blocking-write-and-flush"
    (func $write_and_flush (param i32 i32 i32 i32)))

  (memory (export "memory") 4)
  (global $bump (mut i32) (i32.const 65536))
  (data (i32.const 64) "data.bin")
  (data (i32.const 80) "out.bin")
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

  ;; open-at(sandbox, no path flags, name, open flags, descriptor flags);
  ;; the new descriptor, or -1.
  (func $open (param $name i32) (param $len i32) (param $oflags i32) (param $dflags i32) (result i32)
    (call $open_at (call $sandbox) (i32.const 0) (local.get $name) (local.get $len)
      (local.get $oflags) (local.get $dflags) (i32.const 0))
    (if (result i32) (i32.load8_u (i32.const 0))
      (then (i32.const -1))
      (else (i32.load (i32.const 4)))))

  (func (export "run") (param $workload i32) (param $n i32) (result i32)
    (local $i i32) (local $failed i32) (local $fd i32)
    (block $done
      (block $stdout
        (block $write
          (block $read
            (block $clock
              (br_table $clock $read $write $stdout $done (local.get $workload)))
            ;; 0: the monotonic clock.
            (loop $again
              (if (i32.lt_u (local.get $i) (local.get $n))
                (then
                  (drop (call $now))
                  (local.set $i (i32.add (local.get $i) (i32.const 1)))
                  (br $again))))
            (br $done))
          ;; 1: reads of data.bin (descriptor flags: read).
          (local.set $fd (call $open (i32.const 64) (i32.const 8) (i32.const 0) (i32.const 1)))
          (if (i32.lt_s (local.get $fd) (i32.const 0)) (then (return (i32.const -1))))
          (loop $again
            (if (i32.lt_u (local.get $i) (local.get $n))
              (then
                (global.set $bump (i32.const 65536))
                (call $read (local.get $fd) (i64.const 64)
                  (i64.mul (i64.extend_i32_u (local.get $i)) (i64.const 64)) (i32.const 0))
                (if (i32.or (i32.load8_u (i32.const 0)) (i32.ne (i32.load (i32.const 8)) (i32.const 64)))
                  (then (local.set $failed (i32.add (local.get $failed) (i32.const 1)))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br $again))))
          (br $done))
        ;; 2: writes to out.bin (open flags: create, truncate; descriptor
        ;; flags: write).
        (local.set $fd (call $open (i32.const 80) (i32.const 7) (i32.const 9) (i32.const 2)))
        (if (i32.lt_s (local.get $fd) (i32.const 0)) (then (return (i32.const -1))))
        (loop $again
          (if (i32.lt_u (local.get $i) (local.get $n))
            (then
              (call $write (local.get $fd) (i32.const 1024) (i32.const 64)
                (i64.mul (i64.extend_i32_u (local.get $i)) (i64.const 64)) (i32.const 0))
              (if (i32.load8_u (i32.const 0))
                (then (local.set $failed (i32.add (local.get $failed) (i32.const 1)))))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br $again))))
        (br $done))
      ;; 3: stdout.
      (local.set $fd (call $get_stdout))
      (loop $again
        (if (i32.lt_u (local.get $i) (local.get $n))
          (then
            (call $write_and_flush (local.get $fd) (i32.const 1024) (i32.const 64) (i32.const 0))
            (if (i32.load8_u (i32.const 0))
              (then (local.set $failed (i32.add (local.get $failed) (i32.const 1)))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $again)))))
    (local.get $failed))
)
